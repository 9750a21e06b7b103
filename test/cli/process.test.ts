// The CLI run from the sources as a process: a reader that closes its pipe early, and the
// packages a run loads.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cli, CLI_FROM_SOURCE } from "../helpers/cli.js";
import { needTool, ROOT, withTmp } from "../helpers/tools.js";
import { ecdsaSpec } from "../helpers/specs.js";

const test = suite("the CLI as a process: a closed pipe");

/** sh: a word quoted for bash. */
const sh = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * piped: `kubebundle ...args | reader` run by bash (with `2>&1 >/dev/null |` when `stream` is
 * stderr); the CLI's exit code and what bash's stderr got (the CLI's stderr when stdout is piped).
 */
function piped(args: string[], reader: string, stream: "stdout" | "stderr" = "stdout"): { code: number; stderr: string } {
  const redirect = stream === "stderr" ? " 2>&1 >/dev/null" : "";
  const line = `${[...CLI_FROM_SOURCE, ...args].map(sh).join(" ")}${redirect} | ${reader}; echo "exit=\${PIPESTATUS[0]}" >&2`;
  const r = spawnSync("bash", ["-c", line], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  const m = /exit=(\d+)\n$/.exec(r.stderr);
  if (!m) assert.unreachable(`no exit code from bash: ${r.stderr}`);
  return { code: Number(m![1]), stderr: r.stderr.slice(0, m!.index) };
}

/** assertComplete: out/ is what a finished run leaves: a re-run finds nothing to change, and no scratch folder or lock is left beside it. */
async function assertComplete(spec: string, out: string): Promise<void> {
  const again = await cli("generate", spec, "--out", out, "--json");
  assert.is(again.code, 0, again.err);
  assert.is(JSON.parse(again.out).changed, false, "out/ matches the spec after the run whose reader went away");
  assert.equal(readdirSync(path.dirname(out)).sort(), ["cluster.json", "out"]);
}

for (const reader of ["head -1", "true"]) {
  test(`generate | ${reader}: should finish out/ and exit 0, quietly`, async () => {
    if (!needTool("bash", "piping the CLI into a reader")) return;
    await withTmp(async (t) => {
      const spec = ecdsaSpec(t.dir);
      const out = path.join(t.dir, "out");
      const r = piped(["generate", spec, "--out", out], reader);
      assert.is(r.stderr, "", "nothing on stderr: no stack trace, no unhandled error");
      assert.is(r.code, 0);
      await assertComplete(spec, out);
    });
  });
}

test("a closed stderr should end the writing, not the run: warnings of a run, problems of a failing one", async () => {
  if (!needTool("bash", "piping the CLI into a reader")) return;
  await withTmp(async (t) => {
    const spec = ecdsaSpec(t.dir, (s) => (s.nodes = s.nodes.slice(0, 1))); // one node: a warning on stderr
    const out = path.join(t.dir, "out");
    const ok = piped(["generate", spec, "--out", out], "true", "stderr");
    assert.is(ok.code, 0);
    await assertComplete(spec, out);
    const bad = ecdsaSpec(t.dir, (s) => (s.serviceCIDR = "10.254.0.1/16"));
    assert.is(piped(["generate", bad, "--out", out], "true", "stderr").code, 2, "the run's own exit code, not a crash's 1");
  });
});

const loads = suite("the CLI as a process: what a run loads");

/** loadedPackages: the node_modules packages a CLI run from the sources resolved. */
function loadedPackages(args: string[]): Set<string> {
  return withTmp("loads-", (t) => {
    const trace = path.join(t.dir, "trace");
    const [node, ...rest] = CLI_FROM_SOURCE;
    const r = spawnSync(node!, [...rest.slice(0, -1), "--import", path.join(ROOT, "test/helpers/trace-loads.mjs"), rest.at(-1)!, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, KUBEBUNDLE_TRACE_LOADS: trace },
    });
    assert.is(r.status, 0, r.stderr);
    const urls = readFileSync(trace, "utf8").split("\n");
    return new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => !!p && p !== "tsx"));
  });
}

loads("yargs should read every command line; a no-change re-run should load none of the heavy packages", () => {
  withTmp("loads-out-", (t) => {
    const spec = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    const scratch = loadedPackages(["generate", spec, "--out", out, "--quiet"]);
    for (const p of ["yargs", "pkijs", "archiver", "ajv"]) assert.ok(scratch.has(p), `${p} not loaded by a run from scratch: ${[...scratch].join(", ")}`);
    const again = loadedPackages(["generate", spec, "--out", out, "--quiet"]);
    assert.ok(again.has("yargs"), [...again].join(", "));
    for (const heavy of ["pkijs", "asn1js", "ajv", "archiver", "yaml", "ejs"]) assert.not.ok(again.has(heavy), `${heavy} loaded by a no-change run`);
  });
});

test.run();
loads.run();
