import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { CAPS } from "../../src/input-file.js";
import { pkiPath, readPkiDir } from "../../src/pki/state.js";
import { CLI_FROM_SOURCE, cli } from "../helpers/cli.js";
import { snapshot } from "../helpers/snapshot.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { ROOT, tmp, withTmp } from "../helpers/tools.js";

const t = tmp();
const test = suite("readPkiDir");

test("should read every .pem of the folder by name, sorted, and nothing else", () => {
  const dir = path.join(t.dir, "pki");
  mkdirSync(dir);
  for (const [name, text] of [["ca.pem", "b"], ["admin-key.pem", "a"], ["notes.txt", "x"]]) writeFileSync(path.join(dir, name!), text!);
  const files = readPkiDir(dir);
  assert.equal([...files], [["admin-key.pem", "a"], ["ca.pem", "b"]]);
  assert.is(pkiPath(files, "ca.pem"), path.join(dir, "ca.pem"), "messages name the file on disk");
  assert.is(pkiPath(new Map(), "ca.pem"), "pki/ca.pem", "a map not read from disk is named as out/ holds it");
});

test("should return an empty map for a missing folder and refuse a file", () => {
  assert.is(readPkiDir(path.join(t.dir, "nope")).size, 0);
  const file = path.join(t.dir, "a-file");
  writeFileSync(file, "x");
  assert.throws(() => readPkiDir(file), (e: unknown) => e instanceof InputError && e.message.startsWith(file));
});

/** refusal: the InputError readPkiDir throws for `dir`. */
function refusal(dir: string): InputError {
  try {
    readPkiDir(dir);
  } catch (e) {
    assert.instance(e, InputError);
    return e as InputError;
  }
  throw new Error(`${dir} was read`);
}

test("should refuse a folder named x.pem and a file over the PEM cap, naming the file (exit 2, not a crash)", () => {
  const dir = path.join(t.dir, "pki-odd");
  mkdirSync(path.join(dir, "x.pem"), { recursive: true });
  const folder = refusal(dir);
  assert.is(folder.code, "pki-state-is-directory");
  assert.ok(folder.message.startsWith(`${path.join(dir, "x.pem")}: is a folder, not a PEM file (kubebundle reads regular files only)`), folder.message);
  rmSync(path.join(dir, "x.pem"), { recursive: true });
  writeFileSync(path.join(dir, "big.pem"), Buffer.alloc(CAPS.pem + 1, 0x41));
  const big = refusal(dir);
  assert.is(big.code, "pki-state-too-large");
  assert.match(big.message, /big\.pem: is 1048577 bytes, larger than a PEM file may be \(at most 1 MiB\)$/);
});

/** kubebundle: the CLI from source as a process, bounded in time (a hang fails the test instead of stopping the suite). */
function kubebundle(...args: string[]) {
  return spawnSync(CLI_FROM_SOURCE[0]!, [...CLI_FROM_SOURCE.slice(1), ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL" });
}

test("generate should refuse a FIFO, a symlink to /dev/zero and a folder among out/pki/*.pem with exit 2, at once, out/ unchanged", async () => {
  await withTmp(async (w) => {
    const spec = ecdsaSpec(w.dir);
    const out = path.join(w.dir, "out");
    const first = await cli("generate", spec, "--out", out);
    assert.is(first.code, 0, first.err);
    const odd: [string, () => void, RegExp][] = [
      ["fifo.pem", () => execFileSync("mkfifo", [path.join(out, "pki", "fifo.pem")]), /fifo\.pem: is a FIFO, not a PEM file \(kubebundle reads regular files only\)/],
      ["z.pem", () => symlinkSync("/dev/zero", path.join(out, "pki", "z.pem")), /z\.pem: is a device, not a PEM file/],
      ["x.pem", () => mkdirSync(path.join(out, "pki", "x.pem")), /x\.pem: is a folder, not a PEM file/],
    ];
    for (const [name, make, message] of odd) {
      make();
      const before = snapshot(out);
      const r = kubebundle("generate", spec, "--out", out);
      assert.is(r.signal, null, `${name}: generate hung`);
      assert.is(r.status, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(snapshot(out), before, `${name}: out/ unchanged`);
      rmSync(path.join(out, "pki", name), { recursive: true });
    }
  });
});

test.after(() => t.cleanup());
test.run();
