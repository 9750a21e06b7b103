import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Flag } from "../../src/render/flags.js";
import { kcmFlags, leaderElectionOf, servingOf, LAYOUT } from "../helpers/components.js";
import { KCM_FLAGS } from "../../src/components/kube-controller-manager/flags.js";
import { isRemovedIn } from "../../src/components/flag-table.js";
import { supportedMinors, type KubeVersion } from "../../src/components/release.js";
import { checkSpec, loadSpec } from "../../src/spec/load.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { ROOT } from "../helpers/tools.js";

const fixture = (name: string) => loadSpec(path.join(ROOT, "test/fixtures", name)).cluster;
const asMap = (flags: Flag[]) => Object.fromEntries(flags.map((f) => [f.name, f.value]));
const target = (c: Cluster, id: string) => LAYOUT.find((r) => r.id === id)!.target(c);
const atRelease = (c: Cluster, v: KubeVersion): Cluster => ({ ...c, version: v, spec: { ...c.spec, kubernetesVersion: v.text } });
const NEWEST = supportedMinors().at(-1)!;

const flags = suite("kcmFlags");

flags("should sort flags by name in code-unit order, each once", () => {
  const c = fixture("valid-extra-args.json");
  const names = kcmFlags(c, c.nodes[0]!).map((f) => f.name);
  assert.equal(names, [...names].sort());
  assert.is(new Set(names).size, names.length);
});

flags("should take values from the spec and paths from the layout", () => {
  const c = fixture("valid-guide-1.16.json");
  c.nodes.forEach((node) => {
    const m = asMap(kcmFlags(c, node));
    assert.is(m["bind-address"], node.ip);
    assert.is(m["secure-port"], "10252");
    assert.is(m["cluster-name"], "kubernetes");
    assert.is(m["service-cluster-ip-range"], "10.254.0.0/16");
    assert.is(m["experimental-cluster-signing-duration"], "876000h");
    assert.is(m["tls-cert-file"], target(c, "kcm-cert"));
    assert.is(m["tls-private-key-file"], target(c, "kcm-key"));
    assert.is(m["kubeconfig"], target(c, "kcm-kubeconfig"));
    assert.is(m["client-ca-file"], target(c, "ca-cert"));
    // The dedicated pair with separate trust and kube-apiserver generated (the fixture's default components); the CA key
    // otherwise (test/components/kube-apiserver/unit.test.ts follows both).
    assert.is(m["service-account-private-key-file"], target(c, "sa-key"));
  });
});

flags("should follow changed paths, port, name, CIDR and expiry", () => {
  const base = fixture("valid-guide-1.16.json");
  const c: Cluster = {
    ...atRelease(base, NEWEST),
    expiry: { text: "8760h", ms: 8760 * 3600 * 1000 },
    spec: {
      ...base.spec,
      clusterName: "prod.example",
      serviceCIDR: "10.96.0.0/12",
      paths: { ...base.spec.paths, certDir: "/srv/pki", configDir: "/srv/conf" },
      controllerManager: { ...base.spec.controllerManager, securePort: 10257 },
    },
  };
  const m = asMap(kcmFlags(c, c.nodes[1]!));
  assert.is(m["cluster-name"], "prod.example");
  assert.is(m["service-cluster-ip-range"], "10.96.0.0/12");
  assert.is(m["secure-port"], "10257");
  assert.is(m["cluster-signing-duration"], "8760h");
  assert.is(m["tls-cert-file"], "/srv/pki/kube-controller-manager.pem");
  assert.is(m["root-ca-file"], "/srv/pki/ca.pem");
  assert.is(m["authentication-kubeconfig"], "/srv/conf/kube-controller-manager.kubeconfig");
});

flags("should add, replace and null-remove from extraArgs", () => {
  const c = fixture("valid-extra-args.json");
  const m = asMap(kcmFlags(c, c.nodes[0]!));
  assert.is(m["concurrent-gc-syncs"], "40", "replaced");
  assert.is(m["profiling"], "false", "replaced");
  assert.is(m["allocate-node-cidrs"], "true", "added");
  assert.is(m["cluster-cidr"], "172.30.0.0/16", "added");
  assert.not.ok("node-cidr-mask-size" in m, "removed");
  assert.not.ok("port" in m);
});

flags("should write an IPv6 bind-address in canonical form without brackets", () => {
  const c = fixture("valid-ipv6.json");
  assert.is(asMap(kcmFlags(c, c.nodes[0]!))["bind-address"], "fd00:10::11");
  assert.is(asMap(kcmFlags(c, c.nodes[0]!))["service-cluster-ip-range"], "fd00:254::/108");
});

flags("should carry none of the removed flags and --cluster-signing-duration in the newest release", () => {
  const c = atRelease(fixture("valid-guide-1.16.json"), NEWEST);
  const m = asMap(kcmFlags(c, c.nodes[0]!));
  for (const row of KCM_FLAGS.filter((r) => r.removedIn)) {
    assert.ok(isRemovedIn(row, NEWEST), `${row.flag} not yet removed in ${NEWEST.text}?`);
    assert.not.ok(row.flag in m, row.flag);
  }
  assert.is(m["cluster-signing-duration"], "876000h");
  for (const gone of ["port", "experimental-cluster-signing-duration", "logtostderr", "pod-eviction-timeout", "concurrent-service-syncs"]) {
    assert.not.ok(gone in m, gone);
  }
});

flags.run();

// ---------------------------------------------------------------------------------------------
const effective = suite("effective values: extraArgs over the spec and kube-controller-manager's defaults");

/** withArgs: a Cluster with these extraArgs, not validated (the values are read back, not checked). */
const withArgs = (extraArgs: Record<string, string | null>, base = fixture("valid-guide-1.16.json")): Cluster => ({
  ...base,
  spec: { ...base.spec, controllerManager: { ...base.spec.controllerManager, extraArgs } },
});

effective("servingOf should take --secure-port and --bind-address from the final flag list", () => {
  const c = fixture("valid-guide-1.16.json");
  c.nodes.forEach((n) => assert.equal(servingOf(c, n), { host: n.ip, port: 10252 }));
  const moved = withArgs({ "secure-port": "10300", "bind-address": "127.0.0.1" });
  moved.nodes.forEach((n) => assert.equal(servingOf(moved, n), { host: "127.0.0.1", port: 10300 }));
  const every = withArgs({ "bind-address": "0.0.0.0" });
  every.nodes.forEach((n) => assert.equal(servingOf(every, n), { host: n.ip, port: 10252 }));
  const gone = withArgs({ "secure-port": null, "bind-address": null });
  gone.nodes.forEach((n) => assert.equal(servingOf(gone, n), { host: n.ip, port: 10257 }));
  const v6 = withArgs({ "bind-address": "::" }, fixture("valid-ipv6.json"));
  assert.equal(servingOf(v6, v6.nodes[0]!), { host: "fd00:10::11", port: 10252 });
  assert.throws(() => servingOf(withArgs({ "secure-port": "http" }), c.nodes[0]!), /not a port/);
});

effective("leaderElectionOf should read extraArgs durations in whole seconds, rounded up", () => {
  assert.equal(leaderElectionOf(fixture("valid-guide-1.16.json")), { leaseDurationSeconds: 15, retryPeriodSeconds: 2 });
  assert.equal(leaderElectionOf(withArgs({ "leader-elect-lease-duration": "1m30s", "leader-elect-retry-period": "500ms" })), { leaseDurationSeconds: 90, retryPeriodSeconds: 1 });
  assert.equal(leaderElectionOf(withArgs({ "leader-elect-lease-duration": "0.1m" })), { leaseDurationSeconds: 6, retryPeriodSeconds: 2 });
  assert.equal(leaderElectionOf(withArgs({ "leader-elect-retry-period": "1ns" })), { leaseDurationSeconds: 15, retryPeriodSeconds: 1 }, "a nanosecond waits a whole second");
  assert.equal(leaderElectionOf(withArgs({ "leader-elect-lease-duration": "1h", "leader-elect-retry-period": "1.000000001s" })), { leaseDurationSeconds: 3600, retryPeriodSeconds: 2 });
  assert.equal(leaderElectionOf(withArgs({ "leader-elect-lease-duration": null, "leader-elect-retry-period": null })), { leaseDurationSeconds: 15, retryPeriodSeconds: 2 });
  assert.throws(() => leaderElectionOf(withArgs({ "leader-elect-retry-period": "2" })), /not a positive Go duration/);
});

/** problemsWith: the loader's problems for valid-minimal with these extraArgs (and apiServer.port). */
function problemsWith(extraArgs: Record<string, string | null>, apiPort = 6443) {
  const text = JSON.stringify({ serviceCIDR: "10.254.0.0/16", apiServer: { port: apiPort }, nodes: [{ name: "a", ip: "10.0.0.1" }, { name: "b", ip: "10.0.0.2" }], controllerManager: { extraArgs } });
  return checkSpec(text, "x.json").problems;
}
const errorsAt = (ps: ReturnType<typeof problemsWith>, flag: string) =>
  ps.filter((p) => p.severity === "error" && p.pointer === `/controllerManager/extraArgs/${flag}`).map((p) => p.message);

effective("validation should refuse secure-port, bind-address and durations kubebundle cannot read back", () => {
  for (const v of ["0", "65536", "http", "010257", "-1", ""]) assert.is(errorsAt(problemsWith({ "secure-port": v }), "secure-port").length, 1, v);
  for (const v of ["localhost", "10.0.0.300", "", "fe80::1%eth0"]) assert.ok(errorsAt(problemsWith({ "bind-address": v }), "bind-address").length >= 1, v);
  for (const flag of ["leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period"]) {
    for (const v of ["15", "1d", "", "0s", "-5s"]) assert.is(errorsAt(problemsWith({ [flag]: v }), flag).length, 1, `${flag}=${v}`);
  }
  assert.equal(problemsWith({ "secure-port": "10300", "bind-address": "0.0.0.0", "leader-elect-lease-duration": "1m", "leader-elect-renew-deadline": "40s", "leader-elect-retry-period": "5s" }), []);
});

effective("validation should compare apiServer.port with the effective secure port", () => {
  assert.match(errorsAt(problemsWith({ "secure-port": "6443" }), "secure-port")[0] ?? "", /must differ from apiServer.port \(6443\)/);
  assert.equal(errorsAt(problemsWith({ "secure-port": "10300" }, 10252), "secure-port"), [], "extraArgs wins over a clashing default securePort");
  assert.ok(problemsWith({ "secure-port": "10300" }, 10252).every((p) => p.pointer !== "/controllerManager/securePort"));
  assert.match(errorsAt(problemsWith({ "secure-port": null }, 10257), "secure-port")[0] ?? "", /default 10257, which is apiServer.port/);
  assert.ok(problemsWith({}, 10252).some((p) => p.pointer === "/controllerManager/securePort" && /must differ/.test(p.message)));
});

effective("validation should refuse leader-election timing kube-controller-manager would refuse at start-up", () => {
  assert.match(errorsAt(problemsWith({ "leader-elect-lease-duration": "10s" }), "leader-elect-lease-duration")[0] ?? "", /must be longer than the renew deadline/);
  assert.match(errorsAt(problemsWith({ "leader-elect-retry-period": "9s" }), "leader-elect-retry-period")[0] ?? "", /1\.2 x the retry period/);
  assert.equal(problemsWith({ "leader-elect-retry-period": "8s" }), []);
});

effective("validation should warn when every node gets one specific bind-address", () => {
  const ps = problemsWith({ "bind-address": "10.0.0.1" });
  assert.ok(ps.some((p) => p.severity === "warning" && p.pointer === "/controllerManager/extraArgs/bind-address"), JSON.stringify(ps));
  assert.not.ok(ps.some((p) => p.severity === "error"));
  for (const v of ["0.0.0.0", "::", "127.0.0.1"]) assert.equal(problemsWith({ "bind-address": v }), [], v);
});

effective.run();
