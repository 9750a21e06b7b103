import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { needTool, run, tmp, withTmp } from "../helpers/tools.js";
import { NODES, generateSpec, generated, guideSpec, type Generated } from "../helpers/bundle.js";
import { certInstances } from "../../src/pki/certlist.js";
import { loadSpec } from "../../src/spec/load.js";
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

// ---------------------------------------------------------------------------------------------
// A generated out/pki (the guide's spec, `separate` trust): every certificate checked by openssl against the CA its row
// names and against every other CA, its extended key usages, the apiserver serving certificate's SANs, the kubelet
// client's group by release, and the service-account pair.
const bundle = suite("openssl reads a generated out/pki (separate trust)");

const CAS = ["ca", "etcd-ca", "front-proxy-ca"];
const EKU_NAME: Record<string, string> = { "server auth": "TLS Web Server Authentication", "client auth": "TLS Web Client Authentication" };

/** ext: the values of one extension as `openssl x509 -ext` prints them, split at ", " ([] when absent). */
const ext = (file: string, name: string): string[] => {
  const text = run("openssl", ["x509", "-in", file, "-noout", "-ext", name]).trim();
  return text === "" ? [] : text.split("\n").slice(1).join(" ").trim().split(", ").filter((x) => x !== "");
};

/** verify: openssl verify -x509_strict with `ca` as the only trust anchor (and `purpose` when given): its stdout, or the failure's text. */
const verify = (pki: string, ca: string, file: string, purpose?: string): { ok: boolean; text: string } => {
  try {
    return { ok: true, text: run("openssl", ["verify", "-x509_strict", ...(purpose ? ["-purpose", purpose] : []), "-CAfile", path.join(pki, `${ca}.pem`), path.join(pki, file)]).trim() };
  } catch (e) {
    return { ok: false, text: `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}` };
  }
};

bundle("every certificate verifies with the CA its row names and with no other CA; extended key usages as the rows declare", async () => {
  if (!has) return;
  await withTmp(async (w) => {
    const g = await generated(w.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    const rows = certInstances(loadSpec(g.spec).cluster);
    assert.equal(rows.filter((r) => r.isCA).map((r) => r.id), CAS, "the three CAs of separate trust");
    const pki = path.join(g.out, "pki");
    assert.is(rows.length, 24, "3 CAs, 7 of etcd, 6 of kube-apiserver, 3 + 3 of the controller manager and scheduler, admin");
    for (const r of rows) {
      const file = `${r.baseName}.pem`;
      const signer = r.caId ?? r.id;
      const good = verify(pki, signer, file);
      assert.ok(good.ok && good.text === `${path.join(pki, file)}: OK`, `${file} with ${signer}: ${good.text}`);
      for (const other of CAS.filter((c) => c !== signer)) {
        const bad = verify(pki, other, file);
        assert.not.ok(bad.ok, `${file} must not verify with ${other}`);
        assert.match(bad.text, /unable to get local issuer certificate|self-signed certificate/, `${file} with ${other}`);
      }
      if (r.isCA) continue;
      const want = r.profile.filter((u) => u in EKU_NAME).map((u) => EKU_NAME[u]!);
      assert.equal(ext(path.join(pki, file), "extendedKeyUsage").sort(), want.sort(), `${file}: extended key usages`);
      assert.is(verify(pki, signer, file, "sslserver").ok, r.profile.includes("server auth"), `${file} as a TLS server`);
      assert.is(verify(pki, signer, file, "sslclient").ok, r.profile.includes("client auth"), `${file} as a TLS client`);
    }
  });
});

/** SERVICE_NAMES: the `kubernetes` Service's names and ClusterIP (first IP of 10.254.0.0/16), on every apiserver certificate. */
const SERVICE_NAMES = ["DNS:kubernetes", "DNS:kubernetes.default", "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local", "IP Address:10.254.0.1"];

bundle("the apiserver serving certificate of each node names exactly the node, 127.0.0.1 and the Service; plus the endpoint's host and extraSANs when set", async () => {
  if (!has) return;
  await withTmp(async (w) => {
    const plain = await generated(w.dir, (s) => (s.kubernetesVersion = "1.36.0"), "plain");
    const extra = await generated(w.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.apiServer = { ...s.apiServer, endpoint: "https://k8s-api.example.com:8443", extraSANs: ["lb.example.com", "10.0.0.100"] })), "extra");
    for (const n of NODES) {
      const own = [`DNS:${n.name}`, `IP Address:${n.ip}`, "IP Address:127.0.0.1", ...SERVICE_NAMES];
      const sans = (g: Generated) => ext(g.pki(`apiserver-${n.name}.pem`), "subjectAltName").sort();
      assert.equal(sans(plain), [...own].sort(), n.name);
      assert.equal(sans(extra), [...own, "DNS:k8s-api.example.com", "DNS:lb.example.com", "IP Address:10.0.0.100"].sort(), `${n.name} with endpoint and extraSANs`);
      for (const s of sans(plain)) assert.not.ok(s.endsWith("."), `${s}: no trailing dot`);
      assert.is(readFileSync(plain.node(n.name, "/etc/kubernetes/cert/kube-apiserver.pem"), "utf8"), readFileSync(plain.pki(`apiserver-${n.name}.pem`), "utf8"), "the node's own certificate in its bundle");
    }
  });
});

bundle("apiserver-kubelet-client's O follows the release: system:masters to 1.28, kubeadm:cluster-admins 1.29-1.36, none from 1.37", async () => {
  if (!has) return;
  await withTmp(async (w) => {
    const out = path.join(w.dir, "out");
    for (const [version, want] of [["1.16.6", ["system:masters"]], ["1.28.0", ["system:masters"]], ["1.29.0", ["kubeadm:cluster-admins"]], ["1.36.0", ["kubeadm:cluster-admins"]], ["1.37.0", []]] as const) {
      const g = await generateSpec(guideSpec(w.dir, (s) => ((s.kubernetesVersion = version), (s.components = ["etcd", "kube-apiserver"]))), out, "--quiet");
      const subject = run("openssl", ["x509", "-in", g.pki("apiserver-kubelet-client.pem"), "-noout", "-subject", "-nameopt", "RFC2253"]).trim();
      const rdns = subject.replace(/^subject=/, "").split(",");
      assert.equal(rdns.filter((x) => x.startsWith("O=")).map((x) => x.slice(2)), [...want], `${version}: ${subject}`);
      assert.ok(rdns.includes("CN=kube-apiserver-kubelet-client"), subject);
    }
    // An O in pki.names is ignored (the spec rules warn so): a certificate without a group gets none from there either.
    const g = await generateSpec(guideSpec(w.dir, (s) => ((s.kubernetesVersion = "1.37.0"), (s.components = ["etcd", "kube-apiserver"]), (s.pki.names[0].O = "system:masters"))), out, "--quiet");
    assert.match(g.result.err, /\/pki\/names\/0\/O: warning: is ignored/);
    for (const f of ["apiserver-kubelet-client.pem", "apiserver-etcd-client.pem", "etcd-server-idc-k8s-01.pem"]) {
      const subject = run("openssl", ["x509", "-in", g.pki(f), "-noout", "-subject", "-nameopt", "RFC2253"]).trim();
      assert.not.match(subject, /(^|,)O=/, `${f}: ${subject}`);
    }
    assert.match(run("openssl", ["x509", "-in", g.pki("admin.pem"), "-noout", "-subject", "-nameopt", "RFC2253"]), /,O=system:masters,/, "admin's group is its role's");
  });
});

bundle("sa.pub is the public key of sa.key (openssl pkey -pubout), on every node too", async () => {
  if (!has) return;
  await withTmp(async (w) => {
    const g = await generated(w.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    const pub = run("openssl", ["pkey", "-in", g.pki("sa.key"), "-pubout"]);
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.is(readFileSync(g.pki("sa.pub"), "utf8"), pub);
    for (const n of NODES) assert.is(run("openssl", ["pkey", "-in", g.node(n.name, "/etc/kubernetes/cert/sa.key"), "-pubout"]), readFileSync(g.node(n.name, "/etc/kubernetes/cert/sa.pub"), "utf8"), n.name);
    assert.is.not(run("openssl", ["pkey", "-in", g.pki("ca-key.pem"), "-pubout"]), pub, "not the CA's key under separate trust");
  });
});

bundle.run();
