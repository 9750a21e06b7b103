// Input files are regular files of bounded size, checked before a byte is read: nothing kubebundle reads can block it or
// fill its memory (a FIFO, /dev/zero, a socket, a folder, also behind a symlink).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { snapshot } from "./helpers/snapshot.js";
import net from "node:net";
import path from "node:path";
import { CAPS, readInputFile } from "../src/input-file.js";
import { InputError } from "../src/errors.js";
import { ROOT, withTmp } from "./helpers/tools.js";
import { ecdsaSpec } from "./helpers/specs.js";

const OPTS = { what: "a PEM file", cap: 1024, code: "test" };

/** refusal: the InputError readInputFile throws for `file`. */
function refusal(file: string, opts = OPTS): InputError {
  try {
    readInputFile(file, opts);
  } catch (e) {
    assert.instance(e, InputError);
    return e as InputError;
  }
  throw new Error(`${file} was read`);
}

const read = suite("readInputFile");

read("should read a regular file, also through a symlink, up to its cap", async () => {
  await withTmp(async (t) => {
    writeFileSync(path.join(t.dir, "a.pem"), "x".repeat(1024));
    symlinkSync("a.pem", path.join(t.dir, "link.pem"));
    assert.is(readInputFile(path.join(t.dir, "a.pem"), OPTS).length, 1024);
    assert.is(readInputFile(path.join(t.dir, "link.pem"), OPTS).length, 1024);
    writeFileSync(path.join(t.dir, "big.pem"), "x".repeat(1025));
    const big = refusal(path.join(t.dir, "big.pem"));
    assert.is(big.code, "test-too-large");
    assert.match(big.message, /is 1025 bytes, larger than a PEM file may be \(at most 0\.0009765625 MiB\)/);
  });
});

read("should refuse a FIFO, a device, a socket and a folder at once, also behind a symlink, naming what it is", async () => {
  await withTmp(async (t) => {
    const fifo = path.join(t.dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    mkdirSync(path.join(t.dir, "dir"));
    symlinkSync("/dev/zero", path.join(t.dir, "zero.pem"));
    const sock = path.join(t.dir, "sock");
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once("listening", r));
    try {
      const cases: [string, string, RegExp][] = [
        [fifo, "test-not-regular", /is a FIFO, not a PEM file \(kubebundle reads regular files only\)/],
        ["/dev/zero", "test-not-regular", /is a device, not a PEM file/],
        [path.join(t.dir, "zero.pem"), "test-not-regular", /is a device/],
        [sock, "test-not-regular", /is a socket, not a PEM file/],
        [path.join(t.dir, "dir"), "test-is-directory", /is a folder, not a PEM file/],
        [path.join(t.dir, "missing"), "test-not-found", /no such file/],
      ];
      for (const [file, code, message] of cases) {
        const e = refusal(file);
        assert.is(e.code, code, file);
        assert.match(e.message, message, file);
        assert.equal(e.problems.map((p) => [p.file, p.pointer]), [[file, ""]]);
      }
    } finally {
      server.close();
    }
  });
});

const cli = suite("the spec and CA files as the CLI reads them");

/** kubebundle: the CLI from source, bounded in time (a hang fails the test). */
function kubebundle(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "src/bin/kubebundle.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL", env: { ...process.env, PWD: cwd } });
}

cli("validate and generate should refuse a FIFO or /dev/zero as the spec, and a FIFO as a CA file, with exit 2, never hang", async () => {
  await withTmp(async (t) => {
    const fifo = path.join(t.dir, "spec.fifo");
    execFileSync("mkfifo", [fifo]);
    for (const spec of [fifo, "/dev/zero"]) {
      for (const cmd of ["validate", "generate"]) {
        const r = kubebundle(t.dir, cmd, spec, ...(cmd === "generate" ? ["--out", path.join(t.dir, "out")] : []));
        assert.is(r.signal, null, `${cmd} ${spec} hung`);
        assert.is(r.status, 2, `${cmd} ${spec}: ${r.stderr}`);
        assert.match(r.stderr, /is a (FIFO|device), not a cluster spec/);
      }
    }
    execFileSync("mkfifo", [path.join(t.dir, "ca.pem")]);
    writeFileSync(path.join(t.dir, "ca-key.pem"), "");
    const spec = ecdsaSpec(t.dir, (s) => (s.pki.ca = { certFile: "ca.pem", keyFile: "ca-key.pem" }));
    for (const cmd of ["validate", "generate"]) {
      const r = kubebundle(t.dir, cmd, spec, ...(cmd === "generate" ? ["--out", path.join(t.dir, "out")] : []));
      assert.is(r.signal, null, `${cmd} with a FIFO CA hung`);
      assert.is(r.status, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /ca\.pem/);
    }
  });
});

cli("should refuse a spec over its cap", async () => {
  await withTmp(async (t) => {
    const spec = path.join(t.dir, "big.json");
    writeFileSync(spec, `{"pad": "${"x".repeat(CAPS.spec)}"}`);
    const r = kubebundle(t.dir, "validate", spec);
    assert.is(r.status, 2);
    assert.match(r.stderr, /larger than a cluster spec may be \(at most 1 MiB\)/);
  });
});

cli("generate should stop at a FIFO inside out/ or as out/manifest.json with exit 2, never hang, and change nothing", async () => {
  await withTmp(async (t) => {
    const spec = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    assert.is(kubebundle(t.dir, "generate", spec, "--out", out, "--quiet").status, 0);
    const script = path.join(out, "nodes/idc-k8s-01/install.sh");
    rmSync(script);
    execFileSync("mkfifo", [script]);
    const before = snapshot(out);
    const fifoInNodes = kubebundle(t.dir, "generate", spec, "--out", out, "--quiet");
    assert.is(fifoInNodes.signal, null, "a FIFO in out/nodes hung generate");
    assert.is(fifoInNodes.status, 2, fifoInNodes.stderr);
    assert.match(fifoInNodes.stderr, /install\.sh/);
    assert.equal(snapshot(out), before);
    rmSync(script);
    const manifest = path.join(out, "manifest.json");
    rmSync(manifest);
    execFileSync("mkfifo", [manifest]);
    const fifoManifest = kubebundle(t.dir, "generate", spec, "--out", out, "--quiet");
    assert.is(fifoManifest.signal, null, "a FIFO as manifest.json hung generate");
    assert.is(fifoManifest.status, 2, fifoManifest.stderr);
    assert.match(fifoManifest.stderr, /manifest\.json: is a FIFO, not a manifest/);
  });
});

read.run();
cli.run();
