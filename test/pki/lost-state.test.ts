// out/pki is the cluster's state: a CA the last run made (its manifest says so) and that out/pki lost is refused with
// the ways out, never replaced by a new one; leaves lost from out/pki are issued again by the same CA.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { snapshot } from "../helpers/snapshot.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { withTmp } from "../helpers/tools.js";

const test = suite("generate: state that cannot be lost by accident");

/** generated: a folder with the ECDSA example spec and its out/, generated once. */
async function generated(dir: string): Promise<{ spec: string; out: string }> {
  const spec = ecdsaSpec(dir);
  const out = path.join(dir, "out");
  const r = await cli("generate", spec, "--out", out);
  assert.is(r.code, 0, r.err);
  return { spec, out };
}

for (const lost of [["ca-key.pem"], ["ca.pem"], ["ca.pem", "ca-key.pem"], ["."]]) {
  const what = lost[0] === "." ? "the whole of out/pki" : lost.join(" and ");
  test(`should refuse with exit 2 and say how to restore it when out/pki lost ${what}, out/ unchanged`, async () => {
    await withTmp(async (t) => {
      const { spec, out } = await generated(t.dir);
      const pki = path.join(out, "pki");
      for (const f of lost) rmSync(path.join(pki, f), { recursive: true });
      const before = snapshot(out);
      const r = await cli("generate", spec, "--out", out);
      assert.is(r.code, 2, r.out);
      const files = lost[0] === "." ? ["ca.pem", "ca-key.pem"] : lost;
      assert.ok(r.err.startsWith(`error: ${files.map((f) => path.join(pki, f)).join(" and ")}: missing, but ${path.join(out, "manifest.json")} says the last run made the cluster CA C=CN, `), r.err);
      assert.match(r.err, /kubebundle never replaces a CA silently/);
      assert.match(r.err, new RegExp(`Restore ${pki.replace(/[.]/g, "\\.")} from a backup \\(or import the CA again with pki\\.ca\\); to start a new cluster with a new CA on purpose, remove ${out.replace(/[.]/g, "\\.")} or generate into another --out$`));
      assert.equal(snapshot(out), before, "out/ unchanged");
      const json = await cli("generate", spec, "--out", out, "--json");
      assert.is(JSON.parse(json.out).error, "pki-state-lost");
    });
  });
}

test("should issue leaves lost from out/pki again with the same CA, and start a new cluster once out/ is removed on purpose", async () => {
  await withTmp(async (t) => {
    const { spec, out } = await generated(t.dir);
    const ca = readFileSync(path.join(out, "pki", "ca.pem"), "utf8");
    rmSync(path.join(out, "pki", "kube-controller-manager-idc-k8s-01-key.pem"));
    const again = await cli("generate", spec, "--out", out);
    assert.is(again.code, 0, again.err);
    assert.match(again.out, /kube-controller-manager@idc-k8s-01\s+issued\s+kube-controller-manager-idc-k8s-01-key\.pem missing/);
    assert.is(readFileSync(path.join(out, "pki", "ca.pem"), "utf8"), ca, "the same CA");
    rmSync(out, { recursive: true });
    const fresh = await cli("generate", spec, "--out", out);
    assert.is(fresh.code, 0, fresh.err);
    assert.match(fresh.out, /ca\s+created/);
    assert.is.not(readFileSync(path.join(out, "pki", "ca.pem"), "utf8"), ca);
  });
});

test.run();
