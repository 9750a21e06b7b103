// The CLI run from the sources as a process: a reader that closes its pipe early.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
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

test.run();
