import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { cli } from "../helpers/cli.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { kubectlRun, needTool, run, tmp, withTmp } from "../helpers/tools.js";
import { generated } from "../helpers/bundle.js";
import { clusterFrom } from "./_support.js";

const t = tmp();
const has = needTool("kubectl", "Go's crypto/x509 and TLS check the chain through kubectl");
const test = suite("kubectl (Go TLS) accepts the chain in both directions");

/** serve: an HTTPS server on 127.0.0.1 that requires a client certificate from `ca` and records the peers' subjects. */
async function serve(cert: string, key: string, ca: string): Promise<{ server: Server; port: number; peers: { CN?: string; O?: string }[] }> {
  const peers: { CN?: string; O?: string }[] = [];
  const server = createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const s = (req.socket as TLSSocket).getPeerCertificate().subject;
    peers.push({ CN: s?.CN as string | undefined, O: s?.O as string | undefined });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, peers };
}

/** kubectl: `kubectl --kubeconfig F get --raw /healthz` with a hand-written kubeconfig, spawned asynchronously. */
async function kubectl(port: number, ca: string, cert: string, key: string): Promise<{ code: number | null; out: string; err: string }> {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const config = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    `    server: https://127.0.0.1:${port}`,
    `    certificate-authority-data: ${b64(ca)}`,
    "users:",
    "- name: test",
    "  user:",
    `    client-certificate-data: ${b64(cert)}`,
    `    client-key-data: ${b64(key)}`,
    "contexts:",
    "- name: test",
    "  context: { cluster: test, user: test }",
    "current-context: test",
    "",
  ].join("\n");
  const file = path.join(t.dir, `kubeconfig-${port}`);
  writeFileSync(file, config, { mode: 0o600 });
  return kubectlRun(["--kubeconfig", file, "--request-timeout=10s", "get", "--raw", "/healthz"], t.dir);
}

/** kubectlWith: `kubectl --kubeconfig FILE --server https://127.0.0.1:PORT get --raw /healthz` (a generated kubeconfig, aimed at the test server). */
async function kubectlWith(file: string, port: number): Promise<{ code: number | null; out: string; err: string }> {
  return kubectlRun(["--kubeconfig", file, "--server", `https://127.0.0.1:${port}`, "--request-timeout=10s", "get", "--raw", "/healthz"], t.dir);
}

function distinct<T>(xs: T[]): T[] {
  return [...new Set(xs.map((x) => JSON.stringify(x)))].map((x) => JSON.parse(x));
}

for (const key of [{ algo: "rsa", size: 2048 }, { algo: "ecdsa", size: 256 }, { algo: "ecdsa", size: 384 }]) {
  test(`${key.algo}-${key.size}: kubectl trusts the kube-controller-manager server certificate and the server trusts its client certificate`, async () => {
    if (!has) return;
    const r = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.key = key)), new Map(), realDeps());
    const ca = r.certs.ca!.cert;
    const kcm = r.certs["kube-controller-manager@idc-k8s-01"]!;
    const admin = r.certs.admin!;
    const { server, port, peers } = await serve(kcm.cert, kcm.key, ca);
    try {
      const asKcm = await kubectl(port, ca, kcm.cert, kcm.key);
      assert.is(asKcm.code, 0, asKcm.err);
      assert.is(asKcm.out.trim(), "ok");
      // kubectl may send more than one request; every one of them must carry the expected client certificate.
      assert.equal(distinct(peers.splice(0)), [{ CN: "system:kube-controller-manager", O: "system:kube-controller-manager" }]);
      const asAdmin = await kubectl(port, ca, admin.cert, admin.key);
      assert.is(asAdmin.code, 0, asAdmin.err);
      assert.equal(distinct(peers.splice(0)), [{ CN: "admin", O: "system:masters" }]);
    } finally {
      server.close();
    }
  });
}

test("an imported intermediate CA: kubectl with the generated kubeconfig (the chain in certificate-authority-data) and a server trusting admin/ca.pem complete the mTLS round trip", async () => {
  if (!has || !needTool("openssl", "the root and intermediate are made by openssl")) return;
  const d = path.join(t.dir, "chain");
  mkdirSync(d);
  const ossl = (...args: string[]) => run("openssl", args, { cwd: d });
  for (const name of ["root", "inter"]) ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${name}.key`);
  const ext = "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n";
  writeFileSync(path.join(d, "ext.cnf"), `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = root\n[ext]\n${ext}`);
  ossl("req", "-x509", "-new", "-key", "root.key", "-config", "ext.cnf", "-extensions", "ext", "-days", "3650", "-sha256", "-out", "root.pem");
  ossl("req", "-new", "-key", "inter.key", "-subj", "/CN=inter", "-out", "inter.csr");
  ossl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "7", "-days", "3000", "-sha256", "-extfile", "ext.cnf", "-extensions", "ext", "-out", "inter.pem");
  writeFileSync(path.join(d, "chain.pem"), readFileSync(path.join(d, "inter.pem"), "utf8") + readFileSync(path.join(d, "root.pem"), "utf8"));
  const spec = ecdsaSpec(d, (s) => Object.assign(s.pki, { ca: { certFile: "chain.pem", keyFile: "inter.key" }, expiry: "8760h" }));
  const out = path.join(d, "out");
  const g = await cli("generate", spec, "--out", out);
  assert.is(g.code, 0, g.err);
  const cert = path.join(out, "nodes", "idc-k8s-01", "rootfs", "etc", "kubernetes", "cert");
  const kcm = { cert: readFileSync(path.join(cert, "kube-controller-manager.pem"), "utf8"), key: readFileSync(path.join(cert, "kube-controller-manager-key.pem"), "utf8") };
  const { server, port, peers } = await serve(kcm.cert, kcm.key, readFileSync(path.join(out, "admin", "ca.pem"), "utf8"));
  try {
    const kubeconfig = path.join(out, "nodes", "idc-k8s-01", "rootfs", "etc", "kubernetes", "kube-controller-manager.kubeconfig");
    const asKcm = await kubectlWith(kubeconfig, port);
    assert.is(asKcm.code, 0, asKcm.err);
    assert.is(asKcm.out.trim(), "ok");
    assert.equal(distinct(peers.splice(0)), [{ CN: "system:kube-controller-manager", O: "system:kube-controller-manager" }]);
    const asAdmin = await kubectlWith(path.join(out, "admin", "admin.kubeconfig"), port);
    assert.is(asAdmin.code, 0, asAdmin.err);
    assert.equal(distinct(peers.splice(0)), [{ CN: "admin", O: "system:masters" }]);
  } finally {
    server.close();
  }
});

test("kubectl refuses a server certificate without serverAuth and 127.0.0.1 (so the checks above mean something)", async () => {
  if (!has) return;
  const r = await reconcilePki(clusterFrom(t.dir), new Map(), realDeps());
  const admin = r.certs.admin!;
  const { server, port, peers } = await serve(admin.cert, admin.key, r.certs.ca!.cert);
  try {
    const res = await kubectl(port, r.certs.ca!.cert, admin.cert, admin.key);
    assert.is.not(res.code, 0);
    assert.match(res.err, /x509|certificate/);
    assert.equal(peers, []);
  } finally {
    server.close();
  }
});

test("the generated apiserver certificate of node 1: kubectl with admin.kubeconfig accepts it under each SAN name, refuses another name and another CA's certificate", async () => {
  if (!has) return;
  await withTmp(async (w) => {
    const g = await generated(w.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.apiServer = { ...s.apiServer, endpoint: "https://k8s-api.example.com:8443" })));
    const cert = (f: string) => g.read("idc-k8s-01", `/etc/kubernetes/cert/${f}`);
    const ca = readFileSync(path.join(g.out, "admin", "ca.pem"), "utf8");
    assert.is(ca, readFileSync(g.pki("ca.pem"), "utf8"), "admin/ca.pem is the generated cluster CA");
    const kubeconfig = path.join(g.out, "admin", "admin.kubeconfig");
    assert.match(readFileSync(kubeconfig, "utf8"), /server: https:\/\/k8s-api\.example\.com:8443/);
    const get = (port: number, name: string) =>
      kubectlRun(["--kubeconfig", kubeconfig, "--server", `https://127.0.0.1:${port}`, "--tls-server-name", name, "--request-timeout=10s", "get", "--raw", "/healthz"], w.dir);
    const apiserver = await serve(cert("kube-apiserver.pem"), cert("kube-apiserver-key.pem"), ca);
    try {
      for (const name of ["kubernetes.default.svc.cluster.local", "k8s-api.example.com", "idc-k8s-01"]) {
        const r = await get(apiserver.port, name);
        assert.is(r.code, 0, `${name}: ${r.err}`);
        assert.is(r.out.trim(), "ok");
      }
      assert.equal(distinct(apiserver.peers.splice(0)), [{ CN: "admin", O: "system:masters" }], "the server verified admin's client certificate");
      for (const name of ["idc-k8s-02", "k8s-api.example.org"]) {
        const r = await get(apiserver.port, name);
        assert.is.not(r.code, 0, `${name} is not a SAN of node 1's certificate`);
        assert.match(r.err, new RegExp(`x509: certificate is valid for .*, not ${name.replace(/[.]/g, "\\.")}`), r.err);
      }
      assert.equal(apiserver.peers, [], "no request got through");
    } finally {
      apiserver.server.close();
    }
    // etcd's server certificate of node 1 names idc-k8s-01 and 127.0.0.1 too: only its CA (etcd-ca) is wrong.
    const etcd = await serve(cert("etcd/server.pem"), cert("etcd/server-key.pem"), ca);
    try {
      const r = await get(etcd.port, "idc-k8s-01");
      assert.is.not(r.code, 0, "a certificate of etcd-ca where the cluster CA is the anchor");
      assert.match(r.err, /x509: certificate signed by unknown authority/, r.err);
      assert.equal(etcd.peers, []);
    } finally {
      etcd.server.close();
    }
  });
});

test.after(() => t.cleanup());
test.run();
