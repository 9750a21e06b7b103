// The built CLI (dist/, made by `npm test`'s build) is the application bundle plus one bundle per
// row of the vendor table, each loaded once with V8's code cache and only on the path that needs
// it; a missing or damaged cache costs time only, never a different byte in out/.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, withTmp } from "../helpers/tools.js";
import { snapshot } from "../helpers/snapshot.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { VENDORS } from "../../src/build/vendors.js";
import { BUNDLE_CHANNEL, cacheFileOf } from "../../src/bin/load-bundle.js";
import { runBuilt, type BundleLoad } from "../../src/build/run-built.js";

const HOOK = path.join(ROOT, "src/build/code-cache-hook.mjs");

/** kubebundle: the built CLI under `root` run by plain node with the code-cache hook (report only); its output and the bundles it compiled. */
function kubebundle(root: string, t: string, ...args: string[]): { stdout: string; loaded: BundleLoad[] } {
  const r = runBuilt(root, args, { scratch: t, cwd: ROOT, env: { SOURCE_DATE_EPOCH: "1700000000" } });
  assert.is(r.failure, null, r.stderr);
  return r;
}

/** names: the loaded bundles' names ("app", "x509", ...), sorted. */
function names(loaded: BundleLoad[]): string[] {
  return loaded.map((l) => path.basename(l.file).replace(/-[0-9a-f]{12}\.cjs$/, "")).sort();
}

test("dist holds the entry, the application bundle and one bundle per vendor row, each with its code cache", () => {
  const bin = readdirSync(path.join(ROOT, "dist/bin")).sort();
  const vendor = readdirSync(path.join(ROOT, "dist/vendor")).sort();
  assert.equal(bin.filter((f) => !f.startsWith("app-")), ["kubebundle.js"]);
  assert.equal(names(vendor.filter((f) => f.endsWith(".cjs")).map((file) => ({ file }))), VENDORS.map((v) => v.bundle).sort());
  const bundles = [...bin.map((f) => `bin/${f}`), ...vendor.map((f) => `vendor/${f}`)].filter((f) => f.endsWith(".cjs"));
  for (const b of bundles) assert.ok(existsSync(path.join(ROOT, "dist", cacheFileOf(b))), `no code cache for ${b}`);
  // The application takes pkijs, archiver, yaml, yargs from their bundles, not from a copy of its own.
  const app = readFileSync(path.join(ROOT, "dist/bin", bin.find((f) => f.endsWith(".cjs"))!), "utf8");
  for (const [bundle, marker] of [["x509", "LocalIdentificationBlock"], ["archiver", "ReadableState"], ["yaml", "stringifyString"], ["yargs", "YargsInstance"]]) {
    const file = vendor.find((f) => f.startsWith(`${bundle}-`) && f.endsWith(".cjs"))!;
    assert.ok(readFileSync(path.join(ROOT, "dist/vendor", file), "utf8").includes(marker!), `${marker} is not in ${file}`);
    assert.not.ok(app.includes(marker!), `${bundle} is bundled into the application too`);
  }
  assert.ok(app.includes("loadBundle("), "the application loads no vendor bundle");
  // Strict, as the ES modules they are made of: "use strict" opens every bundle;
  // ASCII, which the loader reads as latin1.
  for (const b of bundles) {
    const bytes = readFileSync(path.join(ROOT, "dist", b));
    assert.ok(bytes.toString("latin1").startsWith('"use strict";'), `${b} is not strict`);
    assert.not.ok(bytes.some((x) => x > 0x7f), `${b} is not ASCII`);
  }
  assert.ok(readFileSync(HOOK, "utf8").includes(JSON.stringify(BUNDLE_CHANNEL)), "the hook listens to another channel");
});

test("generate from scratch compiles the app, x509, archiver, yaml and yargs once each from their caches; a no-change re-run only the app and yargs", () => {
  withTmp("code-cache-", (t) => {
    const spec = ecdsaSpec(t.dir);
    const out = path.join(t.dir, "out");
    const first = kubebundle(ROOT, t.dir, "generate", spec, "--out", out, "--quiet").loaded;
    assert.equal(names(first), ["app", "archiver", "x509", "yaml", "yargs"]);
    for (const l of first) assert.is(l.cacheRejected, false, `${l.file}: code cache refused`);
    const again = kubebundle(ROOT, t.dir, "generate", spec, "--out", out, "--quiet").loaded;
    assert.equal(names(again), ["app", "yargs"]);
    for (const l of again) assert.is(l.cacheRejected, false, `${l.file}: code cache refused`);

    const validate = kubebundle(ROOT, t.dir, "validate", spec);
    assert.equal(names(validate.loaded), ["app", "yargs"]);
    assert.match(validate.stdout, /3 nodes/);
    const inspect = kubebundle(ROOT, t.dir, "inspect", path.join(out, "bundles/idc-k8s-01.tar.gz"));
    assert.ok(names(inspect.loaded).includes("tar"), names(inspect.loaded).join(", "));
    assert.match(inspect.stdout, /kube-controller-manager/);
    for (const l of [...validate.loaded, ...inspect.loaded]) assert.is(l.cacheRejected, false, `${l.file}: code cache refused`);
  });
});

test("without a cache, or with a damaged one, the CLI writes the same out/ and writes no cache", () => {
  withTmp("code-nocache-", (t) => {
    const copy = path.join(t.dir, "kb");
    for (const p of ["dist", "templates", "package.json"]) cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true });
    const cacheOf = (bundle: string) => {
      const dir = path.join(copy, "dist", bundle === "app" ? "bin" : "vendor");
      return path.join(dir, readdirSync(dir).find((f) => f.startsWith(`${bundle}-`) && f.endsWith(".cache"))!);
    };
    // x509: bytes flipped in the middle of V8's data (V8 itself would run them); app: not a cache at all; archiver, yaml: none.
    const flipped = cacheOf("x509");
    const bytes = readFileSync(flipped);
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i]! ^= 0xff;
    writeFileSync(flipped, bytes);
    const garbage = cacheOf("app");
    writeFileSync(garbage, Buffer.from("not a code cache"));
    const missing = [cacheOf("archiver"), cacheOf("yaml")];
    for (const c of missing) rmSync(c);

    const spec = ecdsaSpec(t.dir);
    const a = path.join(t.dir, "a");
    const b = path.join(t.dir, "b");
    kubebundle(ROOT, t.dir, "generate", spec, "--out", a, "--quiet");
    cpSync(path.join(a, "pki"), path.join(b, "pki"), { recursive: true });
    // --force: b/ holds only the pki/ copied from a/, no manifest. With pki/ copied, the certificates are reused (read, not signed).
    const loaded = kubebundle(copy, t.dir, "generate", spec, "--out", b, "--quiet", "--force").loaded;
    const rejected = new Map(loaded.map((l) => [cacheFileOf(l.file), l.cacheRejected]));
    assert.equal([...rejected.keys()].sort(), [flipped, garbage, ...missing, cacheOf("yargs")].sort());
    assert.is(rejected.get(flipped), true, "a cache whose digest does not match is refused");
    assert.is(rejected.get(garbage), true, "a file that is no cache is refused");
    for (const c of missing) assert.is(rejected.get(c), undefined, "a missing cache is not an error");
    for (const c of missing) assert.not.ok(existsSync(c), "a run wrote a code cache");
    assert.equal(snapshot(b), snapshot(a));

    // From scratch too (keys made, certificates signed) without caches: a complete, valid out/.
    const c = path.join(t.dir, "c");
    kubebundle(copy, t.dir, "generate", spec, "--out", c, "--quiet");
    assert.equal(Object.keys(snapshot(c)).sort(), Object.keys(snapshot(a)).sort());
  });
});

test.run();
