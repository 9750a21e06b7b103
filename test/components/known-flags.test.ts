import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { KnownFlag } from "../../src/components/known-flags.js";
import { KNOWN_FLAGS as KCM_KNOWN } from "../../src/components/kube-controller-manager/known-flags.js";
import { KNOWN_FLAGS as SCHEDULER_KNOWN } from "../../src/components/kube-scheduler/known-flags.js";
import { KNOWN_FLAGS as APISERVER_KNOWN } from "../../src/components/kube-apiserver/known-flags.js";
import { APISERVER_FLAGS } from "../../src/components/kube-apiserver/flags.js";
import { KCM_FLAGS } from "../../src/components/kube-controller-manager/flags.js";
import { compareMinor, parseVersion, SUPPORTED } from "../../src/components/release.js";

const rel = (m: string) => parseVersion(m)!;
const TABLES: ReadonlyArray<[string, readonly KnownFlag[]]> = [
  ["kube-controller-manager", KCM_KNOWN],
  ["kube-scheduler", SCHEDULER_KNOWN],
  ["kube-apiserver", APISERVER_KNOWN],
];

// ---------------------------------------------------------------------------------------------
const shape = suite("KNOWN_FLAGS");

for (const [component, table] of TABLES) {
  shape(`should hold each ${component} flag once`, () => {
    const names = table.map((r) => r.flag);
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    assert.equal(dup, [], `${component}: duplicate names`);
  });

  shape(`should spell ${component} flags as the binary does (lower-case letters, digits, '-'; no leading dash)`, () => {
    for (const r of table) assert.match(r.flag, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${component}: ${r.flag}`);
  });

  shape(`should date ${component} flags with supported minor releases, since before removedIn`, () => {
    for (const r of table) {
      for (const f of ["since", "removedIn"] as const) {
        const text = r[f];
        if (text === undefined) continue;
        assert.match(text, /^1\.\d+$/, `${component}: ${r.flag}.${f}`);
        const v = rel(text);
        assert.ok(compareMinor(v, SUPPORTED.min) >= 0 && compareMinor(v, SUPPORTED.max) <= 0, `${component}: ${r.flag}.${f} ${text} outside 1.16-1.37`);
      }
      // a flag present from the oldest release has no `since`, one still present in the newest has no `removedIn`
      if (r.since) assert.ok(compareMinor(rel(r.since), SUPPORTED.min) > 0, `${component}: ${r.flag}.since ${r.since} is the oldest release; omit it`);
      if (r.since && r.removedIn) assert.ok(compareMinor(rel(r.since), rel(r.removedIn)) < 0, `${component}: ${r.flag} removed before it exists`);
    }
  });
}

shape("should know the generic flags in both components with the same releases", () => {
  const scheduler = new Map(SCHEDULER_KNOWN.map((r) => [r.flag, r]));
  for (const flag of ["authentication-kubeconfig", "feature-gates", "leader-elect", "logtostderr", "v", "vmodule", "log-flush-frequency", "logging-format", "secure-port", "tls-cert-file"]) {
    const k = KCM_KNOWN.find((r) => r.flag === flag);
    const s = scheduler.get(flag);
    assert.ok(k && s, flag);
    assert.equal([k!.since, k!.removedIn], [s!.since, s!.removedIn], flag);
  }
});

shape("should list every kube-controller-manager flag-table row with the table's releases", () => {
  const known = new Map(KCM_KNOWN.map((r) => [r.flag, r]));
  for (const row of KCM_FLAGS) {
    const k = known.get(row.flag);
    assert.ok(k, `--${row.flag} is in KCM_FLAGS but not in the known list`);
    assert.is(k!.since, row.since, `--${row.flag}.since`);
    assert.is(k!.removedIn, row.removedIn, `--${row.flag}.removedIn`);
  }
});

shape("should list every kube-apiserver flag-table row with the table's releases, and none of the delegated or leader-election flags", () => {
  const known = new Map(APISERVER_KNOWN.map((r) => [r.flag, r]));
  for (const row of APISERVER_FLAGS) {
    const k = known.get(row.flag);
    assert.ok(k, `--${row.flag} is in APISERVER_FLAGS but not in the known list`);
    assert.is(k!.since, row.since, `--${row.flag}.since`);
    assert.is(k!.removedIn, row.removedIn, `--${row.flag}.removedIn`);
  }
  for (const flag of ["authentication-kubeconfig", "authorization-kubeconfig", "leader-elect", "leader-elect-lease-duration"]) assert.not.ok(known.has(flag), flag);
  assert.is(known.get("insecure-port")?.removedIn, "1.24");
  assert.is(known.get("audit-dynamic-configuration")?.removedIn, "1.19");
  assert.ok(known.get("audit-webhook-truncate-enabled") && known.get("audit-log-batch-max-size"), "the audit backends' per-backend flags");
});

shape("should date the removals the unit and extraArgs rules depend on", () => {
  const at = (table: readonly KnownFlag[], flag: string) => table.find((r) => r.flag === flag);
  assert.is(at(KCM_KNOWN, "address")?.removedIn, "1.24");
  assert.is(at(KCM_KNOWN, "port")?.removedIn, "1.24");
  assert.is(at(KCM_KNOWN, "logtostderr")?.removedIn, "1.26");
  assert.is(at(SCHEDULER_KNOWN, "port")?.removedIn, "1.24");
  assert.is(at(SCHEDULER_KNOWN, "address")?.removedIn, "1.24");
  assert.is(at(SCHEDULER_KNOWN, "policy-config-file")?.removedIn, "1.23");
  assert.is(at(SCHEDULER_KNOWN, "logtostderr")?.removedIn, "1.26");
  assert.ok(at(SCHEDULER_KNOWN, "config") && !at(SCHEDULER_KNOWN, "config")!.removedIn);
});

shape.run();
