import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CERTS, certInstances, instanceId, rowById, signerId } from "../../src/pki/certlist.js";
import { sortHosts } from "../../src/pki/x509/sans.js";
import { resolveUsages } from "../../src/pki/x509/usages.js";
import { formatDn } from "../../src/pki/x509/x500.js";
import { tmp } from "../helpers/tools.js";
import { clusterFrom } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);

const table = suite("CERTS");
const byId = new Map(CERTS.map((r) => [r.id, r]));

table("should have unique ids, and unique file-safe baseNames including the design's out/pki/ files", () => {
  assert.is(byId.size, CERTS.length);
  assert.is(new Set(CERTS.map((r) => r.baseName)).size, CERTS.length);
  for (const name of ["ca", "kube-controller-manager"]) assert.ok(CERTS.some((r) => r.baseName === name), name);
  for (const r of CERTS) assert.match(r.baseName, /^[a-z0-9-]+$/);
});

table("should name in every caId a CA row that comes before it (null only for self-signed CAs)", () => {
  for (const [i, r] of CERTS.entries()) {
    if (r.caId === null) {
      assert.ok(r.isCA, `${r.id} is self-signed, so it must be a CA`);
      continue;
    }
    const ca = byId.get(r.caId);
    assert.ok(ca, `${r.id}: caId ${r.caId} names no row`);
    assert.ok(ca!.isCA, `${r.id} is signed by non-CA ${r.caId}`);
    assert.ok(CERTS.indexOf(ca!) < i, `${r.id} comes before its CA ${r.caId}`);
  }
});

table("should use only usage words the usage tables know", () => {
  for (const r of CERTS) assert.equal(resolveUsages(r.profile).unknown, [], r.id);
});

table("should give CAs keyCertSign and no extended key usage, and leaves neither keyCertSign nor cRLSign", () => {
  for (const r of CERTS) {
    const u = resolveUsages(r.profile);
    if (r.isCA) {
      assert.equal(u.bits, [0, 5, 6], r.id);
      assert.equal(u.eku, [], r.id);
    } else {
      assert.not.ok(u.bits.includes(5) || u.bits.includes(6), r.id);
      assert.ok(u.eku.length > 0, r.id);
    }
  }
});

table("should let only the CAs be imported (pki.ca, pki.etcdCA, pki.frontProxyCA), and they are self-signed", () => {
  const importable = CERTS.filter((r) => r.imported);
  assert.equal(importable.map((r) => r.id), ["ca", "etcd-ca", "front-proxy-ca"]);
  assert.ok(importable.every((r) => r.caId === null && r.isCA));
});

table("should give every row of the example one CN, last, and a subject no other row has but etcd's server/peer pair", () => {
  const node = example.nodes[0]!;
  const subjects = CERTS.map((r) => r.subject(example, node));
  for (const [i, dn] of subjects.entries()) {
    assert.equal(dn.filter(([a]) => a === "CN").length, 1, CERTS[i]!.id);
    assert.is(dn.at(-1)![0], "CN", CERTS[i]!.id);
  }
  const by = new Map<string, string[]>();
  subjects.forEach((dn, i) => by.set(formatDn(dn), [...(by.get(formatDn(dn)) ?? []), CERTS[i]!.id]));
  // etcd's server and peer certificates both name their node (CN the node name), as kubeadm's do.
  for (const ids of by.values()) if (ids.length > 1) assert.equal(ids, ["etcd-server", "etcd-peer"]);
});

table("should give sorted unique SANs, at least one for every serving certificate", () => {
  for (const r of certInstances(example)) {
    const hosts = r.hosts(example);
    assert.equal(sortHosts(hosts), hosts, r.id);
    if (r.profile.includes("server auth")) assert.ok(hosts.length > 0, `${r.id} serves TLS without a SAN`);
  }
});

table("should not let a certificate outlive the CA that signs it (validity of the example)", () => {
  for (const r of CERTS) {
    if (r.caId !== null) assert.ok(r.validity(example).ms <= byId.get(r.caId)!.validity(example).ms, r.id);
  }
});

const rows = suite("rows");

rows("ca: subject from pki.caCSR, no SANs, caExpiry, imported files from the spec", () => {
  const ca = rowById("ca");
  assert.is(formatDn(ca.subject(example)), "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca");
  assert.equal(ca.hosts(example), []);
  assert.is(ca.validity(example), example.caExpiry);
  assert.is(ca.imported!(example), null);
});

rows("kube-controller-manager: CN and O system:kube-controller-manager, C/ST/L/OU from pki.names", () => {
  const s = formatDn(rowById("kube-controller-manager").subject(example));
  assert.is(s, "C=CN, ST=BeiJing, L=BeiJing, O=system:kube-controller-manager, OU=opsnull, CN=system:kube-controller-manager");
});

rows("kube-controller-manager: ignores an O in pki.names (the ClusterRoleBinding needs the row's O)", () => {
  const c = clusterFrom(t.dir, (s) => (s.pki.names = [{ C: "DE", O: "acme", OU: "ops" }]));
  assert.is(formatDn(rowById("kube-controller-manager").subject(c)), "C=DE, O=system:kube-controller-manager, OU=ops, CN=system:kube-controller-manager");
});

rows("kube-controller-manager: one certificate per node, its SANs 127.0.0.1 and that node's IP, sorted numerically", () => {
  const row = rowById("kube-controller-manager");
  assert.is(row.scope, "node");
  assert.equal(example.nodes.map((n) => row.hosts(example, n)), [["103.172.239.9", "127.0.0.1"], ["103.172.238.94", "127.0.0.1"], ["103.172.239.71", "127.0.0.1"]]);
  const mine = certInstances(example).filter((r) => r.id.startsWith("kube-controller-manager"));
  assert.equal(mine.map((r) => [r.id, r.baseName]), example.nodes.map((n) => [`kube-controller-manager@${n.name}`, `kube-controller-manager-${n.name}`]));
  assert.equal(mine[1]!.hosts(example), ["103.172.238.94", "127.0.0.1"], "an instance's SANs are its node's");
  assert.equal(instanceId("kube-controller-manager", "idc-k8s-02"), "kube-controller-manager@idc-k8s-02");
  assert.equal(instanceId("admin", "idc-k8s-02"), "admin");
});

rows("kube-controller-manager: IPv6 node IPs are canonical SANs after the IPv4 ones", () => {
  const c = clusterFrom(t.dir, (s) => {
    s.serviceCIDR = "fd00:254::/108";
    s.nodes = [
      { name: "a", ip: "FD00:10:0:0::11" },
      { name: "b", ip: "fd00:10::2" },
      { name: "c", ip: "10.0.0.9" },
    ];
  });
  assert.equal(c.nodes.map((n) => rowById("kube-controller-manager").hosts(c, n)), [["127.0.0.1", "fd00:10::11"], ["127.0.0.1", "fd00:10::2"], ["10.0.0.9", "127.0.0.1"]]);
});

rows("admin: CN admin, O system:masters, no SANs, client auth only", () => {
  const admin = rowById("admin");
  assert.is(formatDn(admin.subject(example)), "C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=opsnull, CN=admin");
  assert.equal(admin.hosts(example), []);
  assert.equal(resolveUsages(admin.profile).eku, ["1.3.6.1.5.5.7.3.2"]);
  assert.is(admin.validity(example), example.expiry);
});

rows("rowById should throw for an unknown id", () => {
  assert.throws(() => rowById("scheduler"), /no certificate row "scheduler"/);
});

rows.after(() => t.cleanup());
table.run();
rows.run();

const trust = suite("certInstances: the CAs a spec has");
const t2 = tmp();

trust("should make front-proxy-ca only where a generated leaf needs it, the cluster CA standing in for it otherwise", () => {
  const ids = (c: ReturnType<typeof clusterFrom>) => certInstances(c).filter((r) => r.isCA).map((r) => r.id);
  const all = clusterFrom(t2.dir, (s) => delete s.components);
  assert.equal(ids(all), ["ca", "etcd-ca", "front-proxy-ca"]);
  assert.is(certInstances(all).find((r) => r.id === "front-proxy-client")!.caId, "front-proxy-ca");
  assert.is(signerId(all, "front-proxy-ca"), "front-proxy-ca");
  // kube-controller-manager alone: its --requestheader-client-ca-file names front-proxy-ca.pem, which then holds the
  // cluster CA (no CA that signs nothing); the same under single trust with every component.
  const kcm = clusterFrom(t2.dir, (s) => (s.components = ["kube-controller-manager"]));
  assert.equal(ids(kcm), ["ca"]);
  assert.is(signerId(kcm, "front-proxy-ca"), "ca");
  const single = clusterFrom(t2.dir, (s) => {
    delete s.components;
    s.pki.trust = "single";
  });
  assert.equal(ids(single), ["ca"]);
  assert.ok(certInstances(single).every((r) => r.caId === null || r.caId === "ca"));
});

trust.after(() => t2.cleanup());
trust.run();
