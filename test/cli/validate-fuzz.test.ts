// Seeded random mutations of the example spec (ECDSA keys) through the CLI: each one passes validate (exit 0) or fails
// with exit 2 and located messages, never a stack trace; every spec validate accepts, generate generates. The cases run
// in a child process with a time limit, so a hang fails the test instead of stalling the suite. FUZZ_SEED=N repeats a run,
// FUZZ_SEED=random tries a new one.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT, withTmp } from "../helpers/tools.js";

const test = suite("validate and generate: seeded mutations");
const COUNT = 300;
// A fixed seed by default, so that a CI run is repeatable; FUZZ_SEED=random explores new mutations.
const SEED = process.env.FUZZ_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 1871091119);
const LIMIT_MS = 240_000;

interface Case {
  i: number;
  validate: number;
  validateErr: string;
  generate?: number;
  generateErr?: string;
  spec: unknown;
}

test(`should pass or exit 2 with located messages for each of ${COUNT} mutations, and generate every accepted spec (seed ${SEED})`, async () => {
  await withTmp(async (t) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "test/helpers/fuzz-worker.ts"), String(SEED), String(COUNT), t.dir], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: LIMIT_MS,
      maxBuffer: 256 * 1024 * 1024,
    });
    const cases = run.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Case);
    const again = `repeat with FUZZ_SEED=${SEED} npm test`;
    assert.is(run.signal, null, `the cases stopped after ${cases.length} of ${COUNT} (${run.signal}): case ${cases.length} hung or took too long; ${again}`);
    assert.is(run.status, 0, `${run.stderr}\n${again}`);
    assert.is(cases.length, COUNT);
    let passed = 0;
    for (const c of cases) {
      const at = `mutation ${c.i} (${again}):\n${JSON.stringify(c.spec)}`;
      assert.ok(c.validate === 0 || c.validate === 2, `${at}\nvalidate exited ${c.validate}: ${c.validateErr}`);
      assert.not.match(c.validateErr, /internal error|\n\s+at /, at);
      if (c.validate === 2) {
        for (const line of c.validateErr.split("\n").filter((l) => !/: warning: /.test(l))) {
          assert.match(line, /^\S+:\d+:\d+: \/\S*: \S/, `${at}\nunlocated line ${JSON.stringify(line)}`);
        }
      } else {
        passed++;
        assert.is(c.generate, 0, `${at}\nvalidate accepted it, generate exited ${c.generate}: ${c.generateErr}`);
      }
    }
    assert.ok(COUNT - passed > COUNT / 3, `expected most mutations to fail, ${COUNT - passed} did`);
    assert.ok(passed > 0, "some mutations (e.g. a changed value that is still valid) pass");
  });
});

test.run();
