import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { plainGenerateArgs } from "../../src/cli/plain-generate.js";
import { yargsCli } from "../../src/cli/main.js";
import { generateCommand, type GenerateArgs } from "../../src/cli/commands/generate.js";
import { ROOT, tmp, withTmp } from "../helpers/tools.js";
import { ecdsaSpec } from "../helpers/specs.js";

const test = suite("plain-generate");

/** viaYargs: the arguments yargs hands generate's handler for `argv`, or the usage error it raises. */
async function viaYargs(argv: string[]): Promise<GenerateArgs | string> {
  let got: GenerateArgs | undefined;
  const ctx = { io: { out: () => {}, err: () => {} }, code: 0 };
  const cli = await yargsCli(ctx, [(c) => ({ ...generateCommand(c), handler: (a: any) => void (got = a as GenerateArgs) })]);
  try {
    await cli.parseAsync(argv, {}, () => {});
  } catch (e) {
    return `usage error: ${(e as Error).message}`;
  }
  if (!got) return "no handler ran";
  const { spec, out, force, quiet, json } = got;
  return { spec, out, force, quiet, json };
}

const SAME = [
  ["generate"],
  ["generate", "x.json"],
  ["generate", "--out", "o"],
  ["generate", "--out=o"],
  ["generate", "x.json", "--out", "o", "--force", "-q"],
  ["generate", "--quiet", "--json"],
  ["generate", "-q", "x.json"],
  ["generate", "--out", "a", "--out", "b"],
  ["generate", "--out", "o", "s.json"],
  ["generate", "123"],
  ["generate", "spec with space.json", "--force"],
  ["generate", "--out", "dir with space"],
  ["generate", "--out", "o", "--quiet", "--quiet"],
];

for (const argv of SAME) {
  test(`${argv.join(" ")}: should read as yargs reads it`, async () => {
    const plain = plainGenerateArgs(argv);
    assert.ok(plain, "read without yargs");
    assert.equal(plain, await viaYargs(argv));
  });
}

const TO_YARGS = [
  [],
  ["validate", "x.json"],
  ["inspect", "out"],
  ["generate", "--help"],
  ["generate", "-h"],
  ["generate", "--version"],
  ["generate", "a.json", "b.json"],
  ["generate", "--json=foo"],
  ["generate", "--no-quiet"],
  ["generate", "--frce"],
  ["generate", "--out"],
  ["generate", "--out", "-q"],
  ["generate", "--", "x.json"],
  ["generate", "-x"],
  ["--help"],
];

for (const argv of TO_YARGS) {
  test(`${argv.join(" ") || "(nothing)"}: should be left to yargs`, () => {
    assert.is(plainGenerateArgs(argv), null);
  });
}

test("defaults should be generate's own: cluster.json into out/, no flags", () => {
  assert.equal(plainGenerateArgs(["generate"]), { spec: "cluster.json", out: "out", force: false, quiet: false, json: false });
});

const loads = suite("plain-generate: what a run loads");

/** loadedPackages: the node_modules packages a CLI run from the sources resolved. */
function loadedPackages(args: string[]): Set<string> {
  const t = tmp("loads-");
  try {
    const trace = path.join(t.dir, "trace");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", path.join(ROOT, "test/helpers/trace-loads.mjs"), path.join(ROOT, "src/bin/kubebundle.ts"), ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, KUBEBUNDLE_TRACE_LOADS: trace },
    });
    assert.ok(r.status === 0 || r.status === 2, r.stderr);
    const urls = readFileSync(trace, "utf8").split("\n");
    return new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => !!p && p !== "tsx"));
  } finally {
    t.cleanup();
  }
}

loads("a plain generate should not load yargs; a no-change re-run none of the heavy packages; validate loads yargs", () => {
  withTmp("loads-out-", (t) => {
    const spec = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    const scratch = loadedPackages(["generate", spec, "--out", out, "--quiet"]);
    assert.not.ok(scratch.has("yargs"), [...scratch].join(", "));
    assert.ok(scratch.has("pkijs") && scratch.has("archiver") && scratch.has("ajv"), [...scratch].join(", "));
    const again = loadedPackages(["generate", spec, "--out", out, "--quiet"]);
    for (const heavy of ["yargs", "pkijs", "asn1js", "ajv", "archiver", "yaml", "ejs"]) assert.not.ok(again.has(heavy), `${heavy} loaded by a no-change run`);
    assert.ok(loadedPackages(["validate", spec]).has("yargs"), "the trace sees yargs when it is loaded");
  });
});

test.run();
loads.run();
