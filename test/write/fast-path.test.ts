// The no-change fast path of generate: taken when nothing changed, and left for the full run by each input that
// decides the output (the clock reaching a renewal time, an imported CA file, a file of out/, kubebundle's version,
// SOURCE_DATE_EPOCH).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generate, type GenerateOptions } from "../../src/generate.js";
import { withTmp } from "../helpers/tools.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { snapshot } from "../helpers/snapshot.js";

const FAST = "inputs and out/ match the last run; no certificate is due for renewal";
const VERSION = "0.0.0-test";

/** run: generate with `opts` over the defaults; the steps it reported and whether it took the fast path. */
async function run(opts: Partial<GenerateOptions> & { spec: string; out: string }) {
  const steps: string[] = [];
  const report = await generate({ version: VERSION, env: {}, ...opts }, (s) => steps.push(s));
  return { report, steps, fast: steps.includes(FAST) };
}

/** withOut: a spec (ECDSA example, `edit` applied) and an out/ generated from it once. */
async function withOut(fn: (spec: string, out: string) => Promise<void>, edit?: (s: any) => void): Promise<void> {
  await withTmp(async (t) => {
    const spec = ecdsaSpec(t.dir, edit);
    const out = path.join(t.dir, "out");
    const first = await run({ spec, out });
    assert.not.ok(first.fast, "a first run cannot take the fast path");
    await fn(spec, out);
  });
}

const fast = suite("generate: the no-change fast path");

fast("should be taken when nothing changed, leaving out/ byte for byte", async () => {
  await withOut(async (spec, out) => {
    const before = snapshot(out);
    const again = await run({ spec, out });
    assert.ok(again.fast, again.steps.join("\n"));
    assert.is(again.report.changed, false);
    assert.equal(snapshot(out), before);
  });
});

fast("should be left once the clock reaches the first renewal time, and the due certificates re-issued", async () => {
  await withOut(async (spec, out) => {
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    const renewBy = new Date(manifest.inputs.renewBy);
    const early = await run({ spec, out, now: new Date(renewBy.getTime() - 1000) });
    assert.ok(early.fast, "a second before renewBy nothing is due");
    const due = await run({ spec, out, now: renewBy });
    assert.not.ok(due.fast);
    // Due: exactly the certificates whose recorded renewal time has come (issued within the same second or so: on a
    // loaded machine the later ones may fall a second after renewBy); the CAs outlive them.
    const recorded = manifest.certificates as { id: string; renewAfter: string }[];
    const dueIds = recorded.filter((c) => new Date(c.renewAfter) <= renewBy).map((c) => c.id).sort();
    assert.ok(dueIds.length > 0 && !dueIds.includes("ca"));
    assert.equal(due.report.pki.filter((e) => e.action === "issued").map((e) => e.id).sort(), dueIds);
    assert.ok(due.report.changed);
  }, (s) => (s.pki.expiry = "8760h"));
});

fast("should be left when an imported CA file changes", async () => {
  await withTmp(async (t) => {
    // A CA to import: the one a first run created.
    const seed = path.join(t.dir, "seed");
    await run({ spec: ecdsaSpec(t.dir), out: seed });
    for (const f of ["ca.pem", "ca-key.pem"]) copyFileSync(path.join(seed, "pki", f), path.join(t.dir, f));
    // Leaves shorter-lived than the CA: a leaf never outlives its CA.
    const spec = ecdsaSpec(t.dir, (s) => ((s.pki.ca = { certFile: "ca.pem", keyFile: "ca-key.pem" }), (s.pki.expiry = "8760h")));
    const out = path.join(t.dir, "out");
    await run({ spec, out });
    assert.ok((await run({ spec, out })).fast);
    appendFileSync(path.join(t.dir, "ca.pem"), "\n");
    const changed = await run({ spec, out });
    assert.not.ok(changed.fast, "the CA file's bytes are an input");
    assert.ok((await run({ spec, out })).fast, "and the next run is fast again");
  });
});

fast("should be left when a file of out/ was edited or deleted, and the file restored", async () => {
  await withOut(async (spec, out) => {
    const before = snapshot(out);
    const script = path.join(out, "nodes/idc-k8s-01/install.sh");
    writeFileSync(script, "#!/bin/sh\necho edited\n");
    const edited = await run({ spec, out });
    assert.not.ok(edited.fast);
    assert.equal(snapshot(out), before);
    rmSync(path.join(out, "bundles/idc-k8s-02.tar.gz"));
    const deleted = await run({ spec, out });
    assert.not.ok(deleted.fast);
    assert.equal(snapshot(out), before);
  });
});

fast("should be left when kubebundle's version differs from the one that wrote out/", async () => {
  await withOut(async (spec, out) => {
    const other = await run({ spec, out, version: "9.9.9" });
    assert.not.ok(other.fast);
    assert.is(JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).version, "9.9.9");
    assert.ok((await run({ spec, out, version: "9.9.9" })).fast);
  });
});

fast("should be left when SOURCE_DATE_EPOCH changes, and the tarballs follow it", async () => {
  await withOut(async (spec, out) => {
    const bundle = path.join(out, "bundles/idc-k8s-01.tar.gz");
    const before = readFileSync(bundle);
    const moved = await run({ spec, out, env: { SOURCE_DATE_EPOCH: "1700000000" } });
    assert.not.ok(moved.fast);
    assert.not.equal(readFileSync(bundle), before);
    assert.ok((await run({ spec, out, env: { SOURCE_DATE_EPOCH: "1700000000" } })).fast);
    assert.not.ok((await run({ spec, out })).fast, "unset again: back to the fixed mtime");
    assert.equal(readFileSync(bundle), before);
  });
});

fast.run();
