import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { kcmFlags, type Flag } from "../../src/render/flags.js";
import { KCM_FLAGS, isRemovedIn } from "../../src/render/kcm-flags.js";
import { LAYOUT } from "../../src/plan/layout.js";
import { supportedMinors, type KubeVersion } from "../../src/plan/contract.js";
import { loadSpec } from "../../src/spec/load.js";
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
    assert.is(m["service-account-private-key-file"], target(c, "ca-key"));
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
