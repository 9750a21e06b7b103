import { suite } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { needTool, run, tmp } from "../helpers/tools.js";
import { clusterFrom } from "./_support.js";

const t = tmp();
const has = needTool("openssl", "openssl verify and x509 -text of the certificates kubebundle makes");
const ossl = (...args: string[]) => run("openssl", args, { cwd: t.dir });
const test = suite("openssl accepts what reconcilePki makes");

const CASES = [
  { key: { algo: "rsa", size: 2048 }, sig: "sha256WithRSAEncryption", pub: "Public-Key: (2048 bit)", check: ["rsa", "-check", "-noout"] },
  { key: { algo: "ecdsa", size: 256 }, sig: "ecdsa-with-SHA256", pub: "NIST CURVE: P-256", check: ["ec", "-check", "-noout"] },
  { key: { algo: "ecdsa", size: 384 }, sig: "ecdsa-with-SHA384", pub: "NIST CURVE: P-384", check: ["ec", "-check", "-noout"] },
];

for (const c of CASES) {
  const name = `${c.key.algo}-${c.key.size}`;
  test(`${name}: verify -x509_strict with the right purpose, and x509 -text shows every field`, async () => {
    if (!has) return;
    const cluster = clusterFrom(t.dir, (s) => (s.pki.key = c.key));
    const r = await reconcilePki(cluster, new Map(), realDeps());
    for (const [f, text] of r.files) writeFileSync(path.join(t.dir, `${name}-${f}`), text);
    const f = (n: string) => `${name}-${n}`;
    assert.is(ossl("verify", "-x509_strict", "-CAfile", f("ca.pem"), "-purpose", "sslserver", f("kube-controller-manager-idc-k8s-02.pem")).trim(), `${f("kube-controller-manager-idc-k8s-02.pem")}: OK`);
    assert.is(ossl("verify", "-x509_strict", "-CAfile", f("ca.pem"), "-purpose", "sslclient", f("kube-controller-manager-idc-k8s-02.pem")).trim(), `${f("kube-controller-manager-idc-k8s-02.pem")}: OK`);
    assert.is(ossl("verify", "-x509_strict", "-CAfile", f("ca.pem"), "-purpose", "sslclient", f("admin.pem")).trim(), `${f("admin.pem")}: OK`);
    assert.throws(() => ossl("verify", "-x509_strict", "-CAfile", f("ca.pem"), "-purpose", "sslserver", f("admin.pem")), /unsuitable certificate purpose/);

    const kcm = ossl("x509", "-in", f("kube-controller-manager-idc-k8s-02.pem"), "-noout", "-text");
    for (const line of [
      "Version: 3 (0x2)",
      `Signature Algorithm: ${c.sig}`,
      "Issuer: C = CN, ST = BeiJing, L = BeiJing, O = k8s, OU = opsnull, CN = kubernetes-ca",
      "Subject: C = CN, ST = BeiJing, L = BeiJing, O = system:kube-controller-manager, OU = opsnull, CN = system:kube-controller-manager",
      c.pub,
      "X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment",
      "X509v3 Extended Key Usage: \n                TLS Web Server Authentication, TLS Web Client Authentication",
      "X509v3 Basic Constraints: critical\n                CA:FALSE",
      "X509v3 Subject Key Identifier:",
      "X509v3 Authority Key Identifier:",
      "IP Address:103.172.238.94, IP Address:127.0.0.1",
    ]) assert.ok(kcm.includes(line), `kube-controller-manager.pem lacks: ${line}\n${kcm}`);
    assert.match(kcm, /Not After : \w{3} [ \d]\d \d\d:\d\d:\d\d 21\d\d GMT/);

    const ca = ossl("x509", "-in", f("ca.pem"), "-noout", "-text");
    assert.ok(ca.includes("X509v3 Key Usage: critical\n                Digital Signature, Certificate Sign, CRL Sign"), ca);
    assert.ok(ca.includes("X509v3 Basic Constraints: critical\n                CA:TRUE"), ca);
    assert.not.ok(ca.includes("Authority Key Identifier"), "a self-signed CA carries no AKI");

    const serial = ossl("x509", "-in", f("kube-controller-manager-idc-k8s-02.pem"), "-noout", "-serial").trim();
    assert.is(serial, `serial=${r.summaries.find((x) => x.id === "kube-controller-manager@idc-k8s-02")!.serial.toUpperCase()}`);
    ossl(...c.check, "-in", f("kube-controller-manager-idc-k8s-02-key.pem"));
  });
}

test.after(() => t.cleanup());
test.run();
