import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { KCM, KCM_FLAGS, KCM_VALUE_RULES } from "../../src/components/kube-controller-manager/flags.js";
import { extraArgsProblems, finalFlagNames, flagRow, isEmittedIn, isRemovedIn, type FlagRow } from "../../src/components/flag-table.js";
import { compareMinor, minorOf, parseVersion, supportedMinors, type KubeVersion } from "../../src/components/release.js";
import { cli } from "../helpers/cli.js";
import { ROOT } from "../helpers/tools.js";

const FIXTURES = path.join(ROOT, "test/fixtures");
const GOLDEN = path.join(ROOT, "test/golden/render/problems");
const MINORS = supportedMinors();
const rel = (m: string) => parseVersion(m)!;
const at = (minor: number) => MINORS.find((v) => v.minor === minor)!;

interface Window {
  emitted: [string, string] | null;
  removedIn: string | null;
  /** First release whose binary has a flag that is never emitted (for emitted flags the window says it). */
  since?: string;
}
const REFERENCE = JSON.parse(readFileSync(path.join(FIXTURES, "render/reference-windows.json"), "utf8")) as { flags: Record<string, Window> };

const inWindow = (v: KubeVersion, w: Window) =>
  w.emitted !== null && compareMinor(v, rel(w.emitted[0])) >= 0 && compareMinor(v, rel(w.emitted[1])) <= 0;

// ---------------------------------------------------------------------------------------------
const table = suite("KCM_FLAGS");

table("should hold each flag once", () => {
  const names = KCM_FLAGS.map((r) => r.flag);
  assert.equal(new Set(names).size, names.length);
});

table("should use supported minor releases in a consistent order", () => {
  for (const r of KCM_FLAGS) {
    for (const f of ["since", "until", "removedIn"] as const) {
      const text = r[f];
      if (text === undefined) continue;
      assert.match(text, /^1\.\d+$/, `${r.flag}.${f}`);
    }
    const since = r.since ? rel(r.since) : MINORS[0]!;
    if (r.until) assert.ok(compareMinor(rel(r.until), since) >= 0, `${r.flag}: until before since`);
    if (r.removedIn) assert.ok(compareMinor(rel(r.removedIn), since) > 0, `${r.flag}: removed before it exists`);
    if (r.until && r.removedIn) assert.ok(compareMinor(rel(r.until), rel(r.removedIn)) < 0, `${r.flag}: emitted after removal`);
  }
});

table("should make every row without a value a refuse-only row with a removal release", () => {
  for (const r of KCM_FLAGS.filter((r) => r.value === undefined)) assert.ok(r.removedIn, r.flag);
});

table("should give every removed or no-longer-default flag a replacement or a note", () => {
  for (const r of KCM_FLAGS.filter((r) => r.removedIn || r.until)) {
    assert.ok(r.replacedBy ?? r.note, `${r.flag} needs replacedBy or note`);
    if (r.until) assert.ok(r.removedIn, `${r.flag}: until without removedIn`);
  }
});

table("should name only rows of the table in replacedBy, and have the replacement exist when the flag is removed", () => {
  for (const r of KCM_FLAGS.filter((r) => r.replacedBy)) {
    const next = flagRow(KCM, r.replacedBy!);
    assert.ok(next, `${r.flag}.replacedBy`);
    if (next!.since) assert.ok(compareMinor(rel(next!.since), rel(r.removedIn!)) < 0, `${r.flag}: replacement too late`);
  }
});

table("should match the reference's emitted and removal releases for every versioned flag", () => {
  const versioned = KCM_FLAGS.filter((r) => r.since || r.until || r.removedIn).map((r) => r.flag);
  assert.equal(versioned.sort(), Object.keys(REFERENCE.flags).sort(), "every versioned row is in the reference fixture and back");
  for (const [flag, w] of Object.entries(REFERENCE.flags)) {
    const row = flagRow(KCM, flag)!;
    assert.is(row.removedIn ?? null, w.removedIn, `${flag}.removedIn`);
    if (w.since !== undefined) assert.is(row.since, w.since, `${flag}.since`);
    for (const v of MINORS) assert.is(isEmittedIn(row, v), inWindow(v, w), `${flag} emitted in ${minorOf(v)}`);
  }
});

table("should emit exactly one signing-duration flag in every supported release", () => {
  for (const v of MINORS) {
    const names = [...finalFlagNames(KCM, v, {})].filter((n) => n.endsWith("cluster-signing-duration"));
    assert.is(names.length, 1, minorOf(v));
  }
});

table("should never produce a clash from defaults alone", () => {
  for (const v of MINORS) assert.equal(extraArgsProblems(KCM, v, {}), [], minorOf(v));
});

table.run();

// ---------------------------------------------------------------------------------------------
const extra = suite("extraArgsProblems");
const errors = (v: KubeVersion, args: Record<string, string | null>) => extraArgsProblems(KCM, v, args).filter((p) => p.severity === "error");

extra("should refuse --port from 1.24 on, naming the release and what remains", () => {
  assert.equal(extraArgsProblems(KCM, at(36), { port: "0" }), [
    {
      pointer: "/controllerManager/extraArgs/port",
      message: "--port was removed in Kubernetes 1.24 (target 1.36): only HTTPS via --secure-port remains",
      severity: "error",
    },
  ]);
});

extra("should name the replacement flag in the message and the hint", () => {
  const [p] = extraArgsProblems(KCM, at(25), { "experimental-cluster-signing-duration": "8760h" });
  assert.is(p!.message, "--experimental-cluster-signing-duration was removed in Kubernetes 1.25 (target 1.25): use --cluster-signing-duration instead");
  assert.is(p!.hint, "cluster-signing-duration");
});

extra("should refuse each removed flag exactly from its removal release on (driven from the table)", () => {
  for (const row of KCM_FLAGS.filter((r): r is FlagRow & { removedIn: string } => r.removedIn !== undefined)) {
    for (const v of MINORS) {
      const removed = errors(v, { [row.flag]: "1" }).some((p) => p.message.startsWith(`--${row.flag} was removed in Kubernetes ${row.removedIn} `));
      assert.is(removed, isRemovedIn(row, v), `--${row.flag} in ${minorOf(v)}`);
      assert.is(removed, compareMinor(v, rel(row.removedIn)) >= 0);
    }
  }
});

extra("should accept null for a removed flag (nothing to remove)", () => {
  assert.equal(extraArgsProblems(KCM, at(37), { port: null, "concurrent-service-syncs": null, logtostderr: null }), []);
});

extra("should warn, not refuse, a flag that still exists but is no longer set by default", () => {
  for (const minor of [22, 23]) {
    const found = extraArgsProblems(KCM, at(minor), { port: "0" });
    assert.is(found.length, 1);
    assert.is(found[0]!.severity, "warning");
    assert.match(found[0]!.message, `--port is no longer set by default after Kubernetes 1.21 (target 1.${minor}) and is removed in 1.24`);
  }
});

extra("should refuse a flag newer than the target, naming the old spelling", () => {
  const [p] = extraArgsProblems(KCM, at(18), { "cluster-signing-duration": "8760h" });
  assert.is(p!.message, "--cluster-signing-duration does not exist before Kubernetes 1.19 (target 1.18): use --experimental-cluster-signing-duration");
  assert.is(p!.severity, "error");
  assert.equal(extraArgsProblems(KCM, at(19), { "cluster-signing-duration": "8760h" }), []);
});

extra("should refuse both signing-duration flags, and accept either one alone", () => {
  const clash = errors(at(20), { "experimental-cluster-signing-duration": "8760h" });
  assert.is(clash.length, 1);
  assert.is(clash[0]!.pointer, "/controllerManager/extraArgs/experimental-cluster-signing-duration");
  assert.match(clash[0]!.message, "--experimental-cluster-signing-duration and --cluster-signing-duration must not both be set");
  assert.equal(errors(at(20), { "experimental-cluster-signing-duration": "8760h", "cluster-signing-duration": null }), []);
  assert.equal(errors(at(18), { "experimental-cluster-signing-duration": "8760h" }), []);
  assert.equal(errors(at(19), { "cluster-signing-duration": "8760h" }), []);
});

extra("should refuse per-signer signing files beside the cluster-wide ones, and accept them alone", () => {
  const mix = errors(at(36), { "cluster-signing-kubelet-serving-key-file": "/k.pem" });
  assert.is(mix.length, 1);
  assert.is(mix[0]!.pointer, "/controllerManager/extraArgs/cluster-signing-kubelet-serving-key-file");
  const alone = { "cluster-signing-cert-file": null, "cluster-signing-key-file": null, "cluster-signing-kubelet-serving-cert-file": "/c.pem", "cluster-signing-kubelet-serving-key-file": "/k.pem" };
  assert.equal(errors(at(36), alone), []);
});

extra("should leave flags the table does not know to the user", () => {
  assert.equal(extraArgsProblems(KCM, at(36), { "feature-gates": "Foo=true", "allocate-node-cidrs": "true" }), []);
});

extra("should refuse the Endpoints and ConfigMap election locks from 1.24, naming the release and leases", () => {
  assert.equal(extraArgsProblems(KCM, at(24), { "leader-elect-resource-lock": "endpoints" }), [
    {
      pointer: "/controllerManager/extraArgs/leader-elect-resource-lock",
      message: "--leader-elect-resource-lock=endpoints is refused from Kubernetes 1.24 (target 1.24): client-go no longer has Endpoints or ConfigMap locks; use leases",
      hint: "leases",
      severity: "error",
    },
  ]);
  assert.equal(extraArgsProblems(KCM, at(23), { "leader-elect-resource-lock": "configmaps" }), []);
  assert.match(errors(at(36), { "leader-elect-resource-lock": "configmaps" })[0]!.message, "configmaps is refused from Kubernetes 1.24 (target 1.36)");
});

extra("should refuse the hybrid election locks from 1.27, and accept leases everywhere", () => {
  assert.equal(extraArgsProblems(KCM, at(26), { "leader-elect-resource-lock": "endpointsleases" }), []);
  const [p] = extraArgsProblems(KCM, at(27), { "leader-elect-resource-lock": "configmapsleases" });
  assert.is(p!.message, "--leader-elect-resource-lock=configmapsleases is refused from Kubernetes 1.27 (target 1.27): kube-controller-manager takes only Lease locks; use leases");
  assert.is(p!.hint, "leases");
  for (const v of MINORS) assert.equal(extraArgsProblems(KCM, v, { "leader-elect-resource-lock": "leases" }), [], minorOf(v));
});

extra("should refuse each ruled value exactly from its release on, or before the release that brought it (driven from the value rules)", () => {
  for (const rule of KCM_VALUE_RULES) {
    assert.ok((rule.refusedIn === undefined) !== (rule.since === undefined), `${rule.flag}: a rule has refusedIn or since`);
    const edge = (rule.refusedIn ?? rule.since)!;
    assert.match(edge, /^1\.\d+$/, `${rule.flag}: release`);
    const said = rule.refusedIn ? `is refused from Kubernetes ${edge} ` : `does not exist before Kubernetes ${edge} `;
    for (const value of rule.values) {
      for (const v of MINORS) {
        const refused = errors(v, { [rule.flag]: value }).some((p) => p.message.includes(said) && p.hint === rule.use);
        const want = rule.refusedIn ? compareMinor(v, rel(edge)) >= 0 : compareMinor(v, rel(edge)) < 0;
        assert.is(refused, want, `--${rule.flag}=${value} in ${minorOf(v)}`);
      }
    }
    for (const v of MINORS) assert.equal(errors(v, { [rule.flag]: rule.use }), [], `${rule.flag}: the replacement value is refused in ${minorOf(v)}`);
  }
});

extra("should refuse the hybrid election locks before 1.17, where client-go did not have them", () => {
  const [p] = extraArgsProblems(KCM, at(16), { "leader-elect-resource-lock": "endpointsleases" });
  assert.is(p!.message, "--leader-elect-resource-lock=endpointsleases does not exist before Kubernetes 1.17 (target 1.16): the hybrid locks came with client-go 1.17; use leases");
  assert.equal(extraArgsProblems(KCM, at(17), { "leader-elect-resource-lock": "configmapsleases" }), []);
});

extra.run();

// ---------------------------------------------------------------------------------------------
const validate = suite("kubebundle validate (flag problems)");

/** golden: the problem list printed for a fixture equals test/golden/render/problems/<fixture>.txt. */
async function golden(fixture: string): Promise<{ code: number; text: string }> {
  const r = await cli("validate", path.join(FIXTURES, fixture));
  const text = `${r.err.split(`${ROOT}/`).join("")}\n`;
  const file = path.join(GOLDEN, fixture.replace(/\.json$/, ".txt"));
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  assert.fixture(text, readFileSync(file, "utf8"), `golden ${path.relative(ROOT, file)}`);
  return { code: r.code, text };
}

for (const fixture of [
  "invalid-removed-flag-port.json",
  "invalid-removed-flag-signing-duration.json",
  "invalid-both-signing-durations.json",
  "invalid-flag-not-yet.json",
  "invalid-per-signer-mix.json",
]) {
  validate(`should exit 2 and print every problem of ${fixture}`, async () => {
    const { code, text } = await golden(fixture);
    assert.is(code, 2);
    assert.match(text, "/controllerManager/extraArgs/");
  });
}

validate("should accept add, replace and null-remove in extraArgs", async () => {
  const r = await cli("validate", path.join(FIXTURES, "valid-extra-args.json"));
  assert.is(r.code, 0, r.err);
  assert.is(r.err, "");
});

validate.run();
