import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CERTS, rowById } from "../../src/pki/certlist.js";
import { resolveUsages } from "../../src/pki/x509/usages.js";
import { formatDn } from "../../src/pki/x509/x500.js";
import { tmp } from "../helpers/tools.js";
import { clusterFrom } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);
const ids = CERTS.map((r) => r.id);

const table = suite("CERTS");

table("should hold exactly the ca, kube-controller-manager and admin rows, in that order", () => {
  assert.equal(ids, ["ca", "kube-controller-manager", "admin"]);
});

table("should name an existing row in every caId (null only for self-signed CAs)", () => {
  for (const r of CERTS) {
    if (r.caId === null) assert.ok(r.isCA, `${r.id} is self-signed, so it must be a CA`);
    else assert.ok(ids.includes(r.caId), `${r.id}: caId ${r.caId}`);
  }
});

table("should list every CA before the rows it signs", () => {
  for (const [i, r] of CERTS.entries()) {
    if (r.caId !== null) assert.ok(ids.indexOf(r.caId) < i, `${r.id} comes before its CA ${r.caId}`);
  }
});

table("should point caId only at CA rows", () => {
  for (const r of CERTS) if (r.caId !== null) assert.ok(rowById(r.caId).isCA, `${r.id} is signed by non-CA ${r.caId}`);
});

table("should have unique ids and baseNames matching the design's out/pki/ files", () => {
  assert.is(new Set(ids).size, ids.length);
  assert.is(new Set(CERTS.map((r) => r.baseName)).size, CERTS.length);
  for (const name of ["ca", "kube-controller-manager"]) assert.ok(CERTS.some((r) => r.baseName === name), name);
  for (const r of CERTS) assert.match(r.baseName, /^[a-z0-9-]+$/);
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

table("should have a longName for every row and let only the cluster CA be imported", () => {
  for (const r of CERTS) assert.ok(r.longName.length > 0);
  assert.equal(CERTS.filter((r) => r.imported).map((r) => r.id), ["ca"]);
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

rows("kube-controller-manager: SANs are 127.0.0.1 and every node IP, sorted numerically", () => {
  assert.equal(rowById("kube-controller-manager").hosts(example), ["103.172.238.94", "103.172.239.9", "103.172.239.71", "127.0.0.1"]);
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
  assert.equal(rowById("kube-controller-manager").hosts(c), ["10.0.0.9", "127.0.0.1", "fd00:10::2", "fd00:10::11"]);
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
