// End to end: generate a real bundle through the CLI, install it with its own install.sh under --root,
// and find every file of the manifest where it belongs; a second run changes nothing; the scripts lint clean.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Manifest } from "../../src/write/manifest.js";
import { cli } from "../helpers/cli.js";
import { needTool, tmp } from "../helpers/tools.js";
import { snapshot } from "../helpers/snapshot.js";
import { ecdsaSpec } from "../helpers/specs.js";

const NODE = "idc-k8s-01";
const test = suite("bundle: generate, then install.sh --root");

interface World {
  dir: string;
  out: string;
  root: string;
  manifest: Manifest;
  cleanup(): void;
}

/** generated: cluster.example.json with ECDSA P-256 keys, generated into a fresh temporary out/. */
async function generated(): Promise<World> {
  const t = tmp("kubebundle-e2e-");
  try {
    const file = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    const r = await cli("generate", file, "--out", out, "--quiet");
    assert.is(r.code, 0, `generate exited ${r.code}:\n${r.out}\n${r.err}`);
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as Manifest;
    const root = path.join(t.dir, "node root");
    mkdirSync(root);
    return { dir: t.dir, out, root, manifest, cleanup: t.cleanup };
  } catch (e) {
    t.cleanup();
    throw e;
  }
}

/** install: `bash out/nodes/<node>/install.sh --root ROOT` from the temporary folder. */
function install(w: World): { code: number | null; out: string; err: string } {
  const script = path.join("out", "nodes", NODE, "install.sh");
  const r = spawnSync("bash", [script, "--root", w.root], { cwd: w.dir, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}


const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

// One real generate run serves every test of the suite.
let world: World | undefined;
test.before(async () => {
  world = await generated();
});
test.after(() => world?.cleanup());

test("should install every manifest file of the node at its target with its mode and sha256, then change nothing on a second run", () => {
  if (!needTool("bash", "install.sh end to end")) return;
  const w = world!;
  const node = w.manifest.nodes.find((n) => n.name === NODE);
  assert.ok(node, `manifest lists ${NODE}`);
  const installed = node!.files.filter((f) => f.target !== null);
  assert.ok(installed.length >= 7, `${installed.length} files with a target`);
  assert.ok(installed.some((f) => f.target!.endsWith("/verify.sh")), "verify.sh is installed too");

  const first = install(w);
  assert.is(first.code, 0, `install.sh exited ${first.code}\n${first.out}\n${first.err}`);
  for (const f of installed) {
    const dst = path.join(w.root, f.target!);
    assert.ok(existsSync(dst), `${f.target} installed`);
    assert.is((statSync(dst).mode & 0o7777).toString(8).padStart(4, "0"), f.mode, `${f.target} mode`);
    assert.is(sha256(dst), f.sha256, `${f.target} sha256`);
    assert.is(sha256(path.join(w.out, "nodes", NODE, f.path)), f.sha256, `${f.path} in out/ matches the manifest`);
  }
  assert.ok(statSync(path.join(w.root, "data/k8s/k8s/kube-controller-manager")).isDirectory(), "working dir created");
  assert.match(first.out, "service: untouched (--root)");
  assert.ok(installed.every((f) => first.out.includes(`new ${path.join(w.root, f.target!)} (${f.mode})`)), first.out);
  assert.match(first.out, /^(new|changed|mode|owner) /m, "a change line as the second run must not print");

  const before = snapshot(w.root, { identity: true });
  const second = install(w);
  assert.is(second.code, 0, `second run exited ${second.code}\n${second.out}\n${second.err}`);
  assert.match(second.out, /^no changes$/m);
  assert.not.match(second.out, /^(new|changed|mode|owner) /m);
  assert.equal(snapshot(w.root, { identity: true }), before, "the second run touched nothing and made no backup");
});

test("should be clean under shellcheck: install.sh, verify.sh and check-ha.sh as generated", () => {
  if (!needTool("shellcheck", "lint of the generated scripts")) return;
  const w = world!;
  const node = w.manifest.nodes.find((n) => n.name === NODE)!;
  const verify = node.files.find((f) => f.target?.endsWith("/verify.sh"));
  assert.ok(verify, "manifest lists verify.sh");
  const scripts = [path.join(w.out, "nodes", NODE, "install.sh"), path.join(w.out, "nodes", NODE, verify!.path), path.join(w.out, "check-ha.sh")];
  for (const s of scripts) {
    assert.ok(existsSync(s), s);
    const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", s], { encoding: "utf8" });
    assert.is(r.status, 0, `${path.relative(w.out, s)}:\n${r.stdout}${r.stderr}`);
  }
});

test.run();
