import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as asn1js from "asn1js";
import { rowById } from "../../src/pki/certlist.js";
import { issue } from "../../src/pki/issue.js";
import { readCertificate, type CertInfo } from "../../src/pki/certinfo.js";
import { pemBlocks } from "../../src/pki/x509/pem.js";
import { ROOT, tmp } from "../helpers/tools.js";
import { clusterFrom, countingKeys, DAY_MS, fixedDeps, HOUR_MS, NOW, kcmRowOf } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);
const FIX = path.join(ROOT, "test/fixtures/pki");

/** Tbs: the raw DER pieces of a certificate's TBSCertificate. */
function tbs(der: Uint8Array) {
  const cert = asn1js.fromBER(der).result as asn1js.Sequence;
  const f = (cert.valueBlock.value[0] as asn1js.Sequence).valueBlock.value;
  const raw = (b: asn1js.BaseBlock) => Buffer.from(b.valueBeforeDecodeView);
  const validity = (f[4] as asn1js.Sequence).valueBlock.value;
  const exts = ((f[7] as asn1js.Constructed).valueBlock.value[0] as asn1js.Sequence).valueBlock.value.map((e) => {
    const parts = (e as asn1js.Sequence).valueBlock.value;
    const oid = (parts[0] as asn1js.ObjectIdentifier).valueBlock.toString();
    const critical = parts.length === 3 && (parts[1] as asn1js.Boolean).valueBlock.value;
    const value = Buffer.from((parts.at(-1) as asn1js.OctetString).valueBlock.valueHexView);
    return { oid, critical, value };
  });
  return { tbsDer: raw(cert.valueBlock.value[0]!), version: raw(f[0]!), serial: raw(f[1]!), sigAlg: raw(f[2]!), outerSigAlg: raw(cert.valueBlock.value[1]!), issuer: raw(f[3]!), notBefore: raw(validity[0]!), notAfter: raw(validity[1]!), subject: raw(f[5]!), exts };
}

async function issueAll(cluster = example, deps = fixedDeps(NOW)) {
  const ca = await issue(rowById("ca"), null, cluster, deps);
  const kcm = await issue(kcmRowOf(cluster), ca, cluster, deps);
  const admin = await issue(rowById("admin"), ca, cluster, deps);
  return { ca, kcm, admin };
}

const made = await issueAll();
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** infoFields: a CertInfo without its object views, for comparing two readings. */
const infoFields = ({ cert: _c, x509: _x, ...rest }: CertInfo) => rest;
const hexOf = (s: string) => Buffer.from(s, "latin1");

const fields = suite("issue: fields");

fields("should write v3 certificates with positive 20-byte serials from deps", () => {
  for (const c of [made.ca, made.kcm, made.admin]) {
    const d = tbs(c.info.der);
    assert.is(d.version.toString("hex"), "a003020102");
    assert.is(d.serial[0], 0x02);
    assert.is(d.serial[1], 20);
    assert.ok(d.serial[2]! > 0 && d.serial[2]! < 0x80, "positive, minimal INTEGER");
  }
  assert.is(made.ca.info.serial, "015a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a01");
  assert.is(made.kcm.info.serial, "015a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a02");
});

fields("should keep a serial positive in DER even when deps hand out a top-bit byte", async () => {
  const deps = { ...fixedDeps(NOW), serial: () => new Uint8Array(20).fill(0xff) };
  const c = await issue(rowById("ca"), null, example, deps);
  assert.is(tbs(c.info.der).serial.subarray(0, 3).toString("hex"), "02147f");
});

fields("should backdate notBefore 5 minutes and encode years before 2050 as UTCTime, from 2050 as GeneralizedTime", async () => {
  const d = tbs(made.kcm.info.der);
  assert.equal(d.notBefore, Buffer.concat([Uint8Array.of(0x17, 13), hexOf("260115095500Z")]));
  const end = new Date(NOW.getTime() + 876000 * HOUR_MS);
  assert.is(end.getUTCFullYear(), 2125);
  assert.equal(d.notAfter, Buffer.concat([Uint8Array.of(0x18, 15), hexOf("21251222100000Z")]));
  assert.is(made.kcm.info.notAfter.getTime(), end.getTime());
  const short = clusterFrom(t.dir, (s) => (s.pki.expiry = "8760h"));
  const leaf = await issue(rowById("admin"), made.ca, short, fixedDeps(NOW));
  assert.equal(tbs(leaf.info.der).notAfter, Buffer.concat([Uint8Array.of(0x17, 13), hexOf("270115100000Z")]));
});

fields("should cap a certificate's notAfter at its CA's", async () => {
  const later = fixedDeps(new Date(NOW.getTime() + 400 * DAY_MS));
  const leaf = await issue(kcmRowOf(example), made.ca, example, later);
  assert.is(leaf.info.notAfter.getTime(), made.ca.info.notAfter.getTime());
});

fields("should write one SET per subject attribute and copy the CA's subject bytes as issuer", () => {
  const ca = tbs(made.ca.info.der);
  const kcm = tbs(made.kcm.info.der);
  assert.equal(ca.issuer, ca.subject);
  assert.equal(kcm.issuer, ca.subject);
  const rdns = (asn1js.fromBER(kcm.subject).result as asn1js.Sequence).valueBlock.value;
  assert.is(rdns.length, 6);
  for (const r of rdns) assert.is((r as asn1js.Set).valueBlock.value.length, 1);
  assert.is(made.kcm.info.subject, "C=CN, ST=BeiJing, L=BeiJing, O=system:kube-controller-manager, OU=opsnull, CN=system:kube-controller-manager");
  assert.is(made.admin.info.subject, "C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=opsnull, CN=admin");
  assert.is(made.ca.info.subject, "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca");
});

fields("ca: KU (critical) keyCertSign+cRLSign+digitalSignature, BC CA:TRUE (critical), SKI; no EKU, AKI or SAN", () => {
  const e = tbs(made.ca.info.der).exts;
  assert.equal(e.map((x) => x.oid), ["2.5.29.15", "2.5.29.19", "2.5.29.14"]);
  assert.equal(e.map((x) => x.critical), [true, true, false]);
  assert.is(e[0]!.value.toString("hex"), "03020186");
  assert.is(e[1]!.value.toString("hex"), "30030101ff");
  const spki = new X509Certificate(made.ca.info.der).publicKey.export({ type: "spki", format: "der" });
  const bits = (asn1js.fromBER(spki).result as asn1js.Sequence).valueBlock.value[1] as asn1js.BitString;
  assert.is(e[2]!.value.toString("hex"), `0414${createHash("sha1").update(bits.valueBlock.valueHexView).digest("hex")}`);
});

fields("kube-controller-manager: KU (critical), EKU server+client auth, BC CA:FALSE (critical), SKI, AKI = CA's SKI, IP SANs of its node", () => {
  const e = tbs(made.kcm.info.der).exts;
  assert.equal(e.map((x) => x.oid), ["2.5.29.15", "2.5.29.37", "2.5.29.19", "2.5.29.14", "2.5.29.35", "2.5.29.17"]);
  assert.equal(e.map((x) => x.critical), [true, false, true, false, false, false]);
  assert.is(e[0]!.value.toString("hex"), "030205a0");
  assert.is(e[1]!.value.toString("hex"), "301406082b0601050507030106082b06010505070302");
  assert.is(e[2]!.value.toString("hex"), "3000");
  assert.is(e[4]!.value.toString("hex"), `30168014${made.ca.info.ski}`);
  assert.is(e[5]!.value.toString("hex"), "300c" + ["67acef09", "7f000001"].map((ip) => `8704${ip}`).join(""));
  assert.equal(made.kcm.info.sans, ["103.172.239.9", "127.0.0.1"]);
});

fields("kube-controller-manager: IPv6 node IPs become 16-byte IP SANs", async () => {
  const v6 = clusterFrom(t.dir, (s) => {
    s.serviceCIDR = "fd00:254::/108";
    s.nodes = [{ name: "a", ip: "fd00:10::11" }, { name: "b", ip: "10.0.0.2" }];
  });
  const c = await issue(kcmRowOf(v6), made.ca, v6, fixedDeps(NOW));
  const san = tbs(c.info.der).exts.find((x) => x.oid === "2.5.29.17")!;
  assert.is(san.value.toString("hex"), "301887047f0000018710fd000010000000000000000000000011");
  assert.match(new X509Certificate(c.info.der).subjectAltName!, /IP Address:FD00:10:0:0:0:0:0:11/);
});

fields("admin: EKU client auth only and no SAN extension", () => {
  const e = tbs(made.admin.info.der).exts;
  assert.equal(e.map((x) => x.oid), ["2.5.29.15", "2.5.29.37", "2.5.29.19", "2.5.29.14", "2.5.29.35"]);
  assert.is(e[1]!.value.toString("hex"), "300a06082b06010505070302");
  assert.equal(made.admin.info.sans, []);
});

fields("should write keys as PKCS#1 (RSA) PEM at 64 columns matching the certificate", () => {
  for (const c of [made.ca, made.kcm, made.admin]) {
    assert.equal(pemBlocks(c.key.pem).map((b) => b.label), ["RSA PRIVATE KEY"]);
    assert.equal(pemBlocks(c.pem).map((b) => b.label), ["CERTIFICATE"]);
    for (const l of (c.pem + c.key.pem).split("\n")) assert.ok(l.length <= 64, l);
    assert.ok(new X509Certificate(c.pem).checkPrivateKey(createPrivateKey(c.key.pem)));
  }
  assert.ok(new X509Certificate(made.kcm.pem).verify(new X509Certificate(made.ca.pem).publicKey));
});

const matrix = suite("issue: key matrix");

const EXPECTED: Record<string, { sig: string; keyLabel: string; keyType: string }> = {
  "rsa-2048": { sig: "06092a864886f70d01010b0500", keyLabel: "RSA PRIVATE KEY", keyType: "rsa-2048" },
  "rsa-3072": { sig: "06092a864886f70d01010b0500", keyLabel: "RSA PRIVATE KEY", keyType: "rsa-3072" },
  "rsa-4096": { sig: "06092a864886f70d01010b0500", keyLabel: "RSA PRIVATE KEY", keyType: "rsa-4096" },
  "ecdsa-256": { sig: "06082a8648ce3d040302", keyLabel: "EC PRIVATE KEY", keyType: "ecdsa-P-256" },
  "ecdsa-384": { sig: "06082a8648ce3d040303", keyLabel: "EC PRIVATE KEY", keyType: "ecdsa-P-384" },
};

for (const [name, want] of Object.entries(EXPECTED)) {
  matrix(`${name}: signature ${want.sig.startsWith("0609") ? "sha256WithRSAEncryption" : want.sig.endsWith("2") ? "ecdsa-with-SHA256" : "ecdsa-with-SHA384"}, ${want.keyLabel} key`, async () => {
    const [algo, size] = name.split("-");
    const c = clusterFrom(t.dir, (s) => (s.pki.key = { algo, size: Number(size) }));
    const deps = fixedDeps(NOW);
    const ca = await issue(rowById("ca"), null, c, deps);
    const kcm = await issue(kcmRowOf(c), ca, c, deps);
    for (const x of [ca, kcm]) {
      const d = tbs(x.info.der);
      const sigAlg = d.sigAlg.toString("hex");
      assert.is(sigAlg.slice(4), want.sig, `${name} ${x.info.subject}`);
      assert.equal(d.sigAlg, d.outerSigAlg);
      assert.equal(pemBlocks(x.key.pem).map((b) => b.label), [want.keyLabel]);
      assert.is(`${x.info.keyType!.algo}-${x.info.keyType!.algo === "rsa" ? x.info.keyType!.size : `P-${x.info.keyType!.size}`}`, want.keyType);
    }
    assert.ok(new X509Certificate(kcm.pem).verify(new X509Certificate(ca.pem).publicKey));
  });
}

fields("the info of a just-signed certificate should equal reading its DER back", () => {
  for (const made1 of [made.ca, made.kcm, made.admin]) {
    const again = readCertificate(made1.info.der);
    assert.equal(infoFields(made1.info), infoFields(again));
    assert.equal(Buffer.from(made1.info.cert.toSchema().toBER()), Buffer.from(made1.info.der));
    assert.equal(Buffer.from(made1.info.cert.subject.toSchema().toBER()), Buffer.from(again.cert.subject.toSchema().toBER()));
  }
});

const golden = suite("issue: golden vectors");

golden("should make byte-identical RSA certificates from a fixed key, serial and clock", async () => {
  const key = readFileSync(path.join(FIX, "valid-rsa-2048-key.pem"), "utf8");
  const deps = fixedDeps(NOW, countingKeys(key));
  const { ca, kcm } = await issueAll(example, deps);
  assert.is(deps.counting.generated, 3);
  assert.is(sha256(ca.info.der), GOLDEN.rsaCa, "CA DER changed");
  assert.is(sha256(kcm.info.der), GOLDEN.rsaKcm, "kube-controller-manager DER changed");
});

golden("should make byte-identical ECDSA TBSCertificates (signatures are randomised) from a fixed key", async () => {
  const key = readFileSync(path.join(FIX, "valid-ecdsa-p256-key.pem"), "utf8");
  const c = clusterFrom(t.dir, (s) => (s.pki.key = { algo: "ecdsa", size: 256 }));
  const { ca, kcm } = await issueAll(c, fixedDeps(NOW, countingKeys(key)));
  assert.is(sha256(tbs(ca.info.der).tbsDer), GOLDEN.ecCaTbs, "CA TBS changed");
  assert.is(sha256(tbs(kcm.info.der).tbsDer), GOLDEN.ecKcmTbs, "kube-controller-manager TBS changed");
});

const GOLDEN = {
  rsaCa: "bb93886fc369d1ad4b7fde8f3ebc1d7ed2b24c25aaf4f90402fbbdf2eb8ec756",
  rsaKcm: "9c6bc402f422b869126f174e56b7c6494589b26b5baac74348edce4796e64c71",
  ecCaTbs: "d1f2150794510468445f18373c34cb08548167dc04c2cece6b5db5e5aaacb5e4",
  ecKcmTbs: "41fa523033d3eed8c715b1096184624b15784da2dbbf7b0c222e7fcd77e32afa",
};

golden.after(() => t.cleanup());
fields.run();
matrix.run();
golden.run();
