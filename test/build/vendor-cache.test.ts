// The built CLI (dist/, made by `npm test`'s build) loads pkijs+asn1js, archiver and yaml from
// dist/vendor with V8's code cache: each once, the cache accepted, none on a no-change re-run;
// a missing or damaged cache costs time only, never a different byte in out/.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, tmp } from "../helpers/tools.js";
import { snapshot } from "../helpers/snapshot.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { VENDORS } from "../../src/build/vendors.js";
import { cacheFileOf } from "../../src/vendor/load.js";

const HOOK = path.join(ROOT, "src/build/code-cache-hook.ts");

interface Loaded {
  file: string;
  cacheRejected?: boolean;
}

/** generate: the built CLI under `root` run with the code-cache hook (report only); returns the bundles it compiled. */
function generate(root: string, spec: string, out: string, report: string, ...extra: string[]): Loaded[] {
  rmSync(report, { force: true });
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", HOOK, path.join(root, "dist/bin/kubebundle.js"), "generate", spec, "--out", out, "--quiet", ...extra], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000", KUBEBUNDLE_CODE_CACHE_REPORT: report, KUBEBUNDLE_CODE_CACHE_WRITE: "" },
  });
  assert.is(r.status, 0, r.stderr);
  return existsSync(report) ? readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Loaded) : [];
}

function bundleOf(file: string): string {
  return path.basename(file).replace(/-[0-9a-f]{12}\.cjs$/, "");
}

test("dist/vendor holds one bundle and one code cache per row of the vendor table", () => {
  const files = readdirSync(path.join(ROOT, "dist/vendor")).sort();
  assert.equal(files.filter((f) => f.endsWith(".cjs")).map(bundleOf).sort(), VENDORS.map((v) => v.bundle).sort());
  for (const f of files.filter((f) => f.endsWith(".cjs"))) assert.ok(files.includes(path.basename(cacheFileOf(f))), `no code cache for ${f}`);
  // The CLI's own chunks import no vendored package: they take it from the bundle.
  const chunks = readdirSync(path.join(ROOT, "dist/bin")).map((f) => readFileSync(path.join(ROOT, "dist/bin", f), "utf8"));
  assert.ok(chunks.some((c) => c.includes("loadVendor(")), "no chunk loads a vendor bundle");
  assert.not.ok(chunks.some((c) => /class ECNamedCurves|LocalIdentificationBlock/.test(c)), "pkijs/asn1js bundled into dist/bin as well");
});

test("a from-scratch generate compiles each vendor bundle once, from its cache; a no-change re-run none", () => {
  const t = tmp("vendor-cache-");
  try {
    const spec = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    const report = path.join(t.dir, "report.jsonl");
    const first = generate(ROOT, spec, out, report);
    assert.equal(first.map((l) => bundleOf(l.file)).sort(), VENDORS.map((v) => v.bundle).sort());
    for (const l of first) assert.is(l.cacheRejected, false, `${l.file}: code cache refused`);
    assert.equal(generate(ROOT, spec, out, report), []);
  } finally {
    t.cleanup();
  }
});

test("without a cache, or with a damaged one, the CLI writes the same out/", () => {
  const t = tmp("vendor-nocache-");
  try {
    const copy = path.join(t.dir, "kb");
    for (const p of ["dist", "templates", "package.json"]) cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true });
    const caches = readdirSync(path.join(copy, "dist/vendor")).filter((f) => f.endsWith(".cache")).map((f) => path.join(copy, "dist/vendor", f));
    writeFileSync(caches[0]!, Buffer.from("not a code cache"));
    for (const c of caches.slice(1)) rmSync(c);

    const spec = ecdsaSpec(t.dir);
    const report = path.join(t.dir, "report.jsonl");
    const a = path.join(t.dir, "a");
    const b = path.join(t.dir, "b");
    generate(ROOT, spec, a, report);
    cpSync(path.join(a, "pki"), path.join(b, "pki"), { recursive: true });
    // --force: b/ holds only the pki/ copied from a/, no manifest.
    const loaded = generate(copy, spec, b, report, "--force");
    assert.is(loaded.length, VENDORS.length);
    const byFile = new Map(loaded.map((l) => [path.join(copy, "dist/vendor", path.basename(l.file)), l.cacheRejected]));
    assert.is(byFile.get(caches[0]!.replace(/\.cache$/, ".cjs")), true, "a damaged cache is refused");
    for (const c of caches.slice(1)) assert.is(byFile.get(c.replace(/\.cache$/, ".cjs")), undefined, "a missing cache is not an error");
    assert.equal(snapshot(b), snapshot(a));
  } finally {
    t.cleanup();
  }
});

test.run();
