import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { ROOT, tmp } from "../helpers/tools.js";

const EXAMPLE = path.join(ROOT, "cluster.example.json");
const test = suite("main: usage errors");

test("should stop at a mistyped option before doing anything (exit 2, out/ not created)", async () => {
  const t = tmp();
  try {
    const out = path.join(t.dir, "out");
    const r = await cli("generate", EXAMPLE, "--out", out, "--frce");
    assert.is(r.code, 2);
    assert.match(r.err, /Unknown argument: frce/);
    assert.not.ok(existsSync(out), "nothing written");
    assert.is(r.out, "");
  } finally {
    t.cleanup();
  }
});

test("should not print a summary when validate gets an unknown option", async () => {
  const r = await cli("validate", EXAMPLE, "--bogus");
  assert.is(r.code, 2);
  assert.is(r.out, "");
  assert.match(r.err, /Unknown argument: bogus/);
});

test("should ask for the PATH of inspect", async () => {
  const r = await cli("inspect");
  assert.is(r.code, 2);
  assert.match(r.err, /Not enough non-option arguments/);
  assert.not.match(r.err, /undefined/);
});

test("should refuse an --out that cannot be a folder, with exit 2 and no stack trace", async () => {
  const t = tmp();
  try {
    const file = path.join(t.dir, "file");
    writeFileSync(file, "x");
    for (const out of [path.join(file, "out"), file, ""]) {
      const r = await cli("generate", EXAMPLE, "--out", out);
      assert.is(r.code, 2, `--out ${JSON.stringify(out)}: ${r.err}`);
      assert.not.match(r.err, /internal error|\n\s+at /);
    }
  } finally {
    t.cleanup();
  }
});

test("should refuse an output folder another live run holds", async () => {
  const t = tmp();
  try {
    writeFileSync(path.join(t.dir, ".out.kubebundle.lock"), String(process.ppid));
    const r = await cli("generate", EXAMPLE, "--out", path.join(t.dir, "out"));
    assert.is(r.code, 2);
    assert.match(r.err, new RegExp(`another kubebundle run \\(pid ${process.ppid}\\)`));
  } finally {
    t.cleanup();
  }
});

test.run();
