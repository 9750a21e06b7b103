// The built CLI (dist/bin, made by `npm test`'s build): ES module chunks that a run loads only as far
// as it goes, that run from wherever the package is installed, and that name no path of the machine
// that built them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE } from "../../src/build/options.js";
import { ROOT, withTmp } from "../helpers/tools.js";
import { ecdsaSpec } from "../helpers/specs.js";

const DIST = path.join(ROOT, "dist");
const TRACE = path.join(ROOT, "test/helpers/trace-loads.mjs");

/** chunkInputs: each file of dist/bin (by name) -> the files it was built from (`src/...`, `node_modules/...`), read from
 *  esbuild's metafile of the same build; checks first that this build makes dist/bin byte for byte. */
async function chunkInputs(): Promise<Map<string, string[]>> {
  const r = await build({ ...BUNDLE, write: false, metafile: true });
  const made = new Map(r.outputFiles.map((f) => [path.basename(f.path), f.contents]));
  assert.equal([...made.keys()].sort(), readdirSync(path.join(DIST, "bin")).sort(), "dist/bin is not what the build makes (npm run build)");
  for (const [name, bytes] of made) assert.ok(Buffer.from(bytes).equals(readFileSync(path.join(DIST, "bin", name))), `dist/bin/${name} is not what the build makes`);
  return new Map(Object.entries(r.metafile.outputs).map(([file, o]) => [path.basename(file), Object.keys(o.inputs)]));
}

/** origin: what an input of the build is: its package (`pkijs`) or its source file (`src/pki/issue.ts`). */
function origin(input: string): string {
  return /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? input;
}

/** holds: true when `origins` holds the package or source file `name`, or a source file under the folder `name`. */
function holds(origins: Set<string>, name: string): boolean {
  return [...origins].some((o) => o === name || o.startsWith(`${name}/`));
}

/** loadedOrigins: the packages and source folders whose code a run of the built CLI `bin` with `args` loaded, from the
 *  chunks it resolved (test/helpers/trace-loads.mjs). */
function loadedOrigins(inputs: Map<string, string[]>, t: string, args: string[]): Set<string> {
  const trace = path.join(t, "trace");
  rmSync(trace, { force: true });
  const bin = path.join(DIST, "bin/kubebundle.js");
  const r = spawnSync(process.execPath, ["--import", TRACE, bin, ...args], { cwd: t, encoding: "utf8", env: { ...process.env, KUBEBUNDLE_TRACE_LOADS: trace } });
  assert.is(r.status, 0, r.stderr);
  const prefix = pathToFileURL(path.join(DIST, "bin")).href + "/";
  const chunks = readFileSync(trace, "utf8").split("\n").filter((u) => u.startsWith(prefix));
  assert.ok(chunks.length > 0, "the trace saw no chunk of dist/bin");
  return new Set(chunks.flatMap((u) => inputs.get(u.slice(prefix.length))!.map(origin)));
}

test("a no-change re-run loads none of the packages and stages that a run from scratch loads", async () => {
  const inputs = await chunkInputs();
  withTmp("bundle-loads-", (t) => {
    const spec = ecdsaSpec(t.dir);
    const args = ["generate", spec, "--out", path.join(t.dir, "out"), "--quiet"];
    const scratch = loadedOrigins(inputs, t.dir, args);
    // The no-change check reads out/pki with the pki stage's own reader (src/pki/state.ts, node built-ins only); the rest of
    // src/pki is the stage itself.
    const heavy = ["pkijs", "asn1js", "archiver", "yaml", "ejs", "ajv", "jsonc-parser", "src/pki/reconcile.ts", "src/pki/issue.ts", "src/pki/keys.ts", "src/pki/ca.ts", "src/pki/x509", "src/render", "src/spec/load.ts", "src/write/build-tree.ts"];
    for (const h of heavy) assert.ok(holds(scratch, h), `a run from scratch loads no ${h}: ${[...scratch].sort().join(", ")}`);
    const again = loadedOrigins(inputs, t.dir, args);
    for (const h of heavy) assert.not.ok(holds(again, h), `a no-change re-run loads ${h}`);
    assert.ok(again.has("src/generate.ts"), "the trace sees the no-change check, which generate makes");
  });
});

test("the built CLI runs from a copy of the package without node_modules, with the copy's package.json and templates/", () => {
  withTmp("bundle-copy-", (t) => {
    const pkg = path.join(t.dir, "pkg");
    for (const p of ["dist", "templates", "package.json"]) cpSync(path.join(ROOT, p), path.join(pkg, p), { recursive: true });
    const json = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string };
    writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ ...json, version: "9.9.9-copy" }));
    const template = path.join(pkg, "templates/install.sh.ejs");
    writeFileSync(template, readFileSync(template, "utf8") + "# from the copy's template\n");
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(pkg, "dist/bin/kubebundle.js"), ...args], { cwd: t.dir, encoding: "utf8" });

    assert.is(run("--version").stdout.trim(), "9.9.9-copy");
    const spec = ecdsaSpec(t.dir);
    const ok = run("generate", spec, "--out", path.join(t.dir, "out"), "--quiet");
    assert.is(ok.status, 0, ok.stderr);
    assert.ok(readFileSync(path.join(t.dir, "out/nodes/idc-k8s-01/install.sh"), "utf8").endsWith("# from the copy's template\n"));
  });
});

test("a stack trace names the installed files, and no file of dist/ holds a path of the machine that built it", () => {
  const root = ROOT.replace(/\/$/, "");
  const files = readdirSync(DIST, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  assert.ok(files.length > 1);
  for (const f of files) assert.not.ok(readFileSync(path.join(f.parentPath, f.name), "latin1").includes(root), `${f.name} holds ${root}`);
  withTmp("bundle-stack-", (t) => {
    const pkg = path.join(t.dir, "pkg");
    for (const p of ["dist", "templates", "package.json"]) cpSync(path.join(ROOT, p), path.join(pkg, p), { recursive: true });
    rmSync(path.join(pkg, "templates/install.sh.ejs"));
    const r = spawnSync(process.execPath, [path.join(pkg, "dist/bin/kubebundle.js"), "generate", ecdsaSpec(t.dir), "--out", path.join(t.dir, "out")], { cwd: t.dir, encoding: "utf8" });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, "install.sh.ejs");
    const frames = r.stderr.split("\n").filter((l) => /^\s+at /.test(l));
    assert.ok(frames.some((l) => l.includes(pathToFileURL(path.join(pkg, "dist/bin")).href + "/")), r.stderr);
    assert.not.ok(r.stderr.includes(root), r.stderr);
  });
});

test.run();
