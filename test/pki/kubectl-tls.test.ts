import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { needTool, tmp } from "../helpers/tools.js";
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
  const child = spawn("kubectl", ["--kubeconfig", file, "--request-timeout=10s", "get", "--raw", "/healthz"], { env: { PATH: process.env.PATH, HOME: t.dir } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, out, err };
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

test.after(() => t.cleanup());
test.run();
