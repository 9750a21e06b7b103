// One loop over the registry, with the real tools: for every component of the example on every node, openssl verifies its
// certificate (both purposes, SANs 127.0.0.1 and that node's IP), kubectl reads its kubeconfig and does an mTLS round trip
// with it against an HTTPS server presenting the component's own serving certificate, and shellcheck passes its verify.sh.
// (systemd-analyze verifies every component's unit in test/render/unit.test.ts, over the same registry.)
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { REGISTRY, fileTarget, nodeFiles } from "../../src/components/registry.js";
import { rowById, signerId } from "../../src/pki/certlist.js";
import type { Component } from "../../src/components/component.js";
import { loadSpec } from "../../src/spec/load.js";
import { cli } from "../helpers/cli.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { kubectlRun, needTool, tmp } from "../helpers/tools.js";

const t = tmp();
const spec = ecdsaSpec(t.dir);
const out = path.join(t.dir, "out");
const made = await cli("generate", spec, "--out", out, "--quiet");
const cluster = loadSpec(spec).cluster;
const test = suite("every component of the registry, with the real tools");

/** onNode: a file of a node's bundle, by its target path. */
const onNode = (node: string, target: string) => path.join(out, "nodes", node, "rootfs", target);

test("should generate the example with every component", () => {
  assert.is(made.code, 0, made.err);
  assert.ok(REGISTRY.length >= 2);
});

test("openssl verifies every component's certificate on every node, for both purposes, naming 127.0.0.1 and that node's IP", () => {
  if (!needTool("openssl", "openssl verify of every component's certificate")) return;
  for (const k of REGISTRY) {
    // etcd's and kube-apiserver's verify.sh present a client-only health-check certificate (no kubeconfig): etcd's server
    // and peer certificates are used for real by test/e2e/etcd-cluster.test.ts, kube-apiserver's serving certificate is
    // checked by test/components/kube-apiserver's tests.
    if ((k as Component).verifyFiles.kubeconfig === undefined) continue;
    for (const n of cluster.nodes) {
      const ca = onNode(n.name, fileTarget(cluster, REGISTRY, k.verifyFiles.ca));
      const cert = onNode(n.name, fileTarget(cluster, REGISTRY, k.verifyFiles.cert));
      for (const purpose of ["sslserver", "sslclient"]) {
        const r = spawnSync("openssl", ["verify", "-x509_strict", "-CAfile", ca, "-purpose", purpose, cert], { encoding: "utf8" });
        assert.is(r.status, 0, `${k.id} on ${n.name} (${purpose}): ${r.stdout}${r.stderr}`);
      }
      const x = new X509Certificate(readFileSync(cert));
      assert.is(x.subjectAltName, `IP Address:${n.ip}, IP Address:127.0.0.1`, `${k.id} on ${n.name}`);
    }
  }
});

test("openssl verifies every certificate file of every component on every node against the CA file of its signer there, and only that one", () => {
  if (!needTool("openssl", "openssl verify of every component's certificate files")) return;
  const rows = nodeFiles(REGISTRY, cluster);
  // The CA files of a node, by the CA row they hold.
  const caFiles = new Map(rows.flatMap((r) => (r.content.from === "pem" && r.content.part === "cert" && rowById(r.content.cert).isCA ? [[r.content.cert, r] as const] : [])));
  assert.equal([...caFiles.keys()].sort(), ["ca", "etcd-ca", "front-proxy-ca"], "separate trust: three CAs on the node");
  let checked = 0;
  for (const k of REGISTRY) {
    for (const row of k.files) {
      if (row.content.from !== "pem" || row.content.part !== "cert" || !(row.when?.(cluster) ?? true)) continue;
      const cert = rowById(row.content.cert);
      if (cert.isCA) continue;
      const signer = signerId(cluster, cert.caId!);
      for (const n of cluster.nodes) {
        const file = onNode(n.name, row.target(cluster));
        for (const [ca, caRow] of caFiles) {
          const r = spawnSync("openssl", ["verify", "-x509_strict", "-CAfile", onNode(n.name, caRow.target(cluster)), file], { encoding: "utf8" });
          assert.is(r.status === 0, ca === signer, `${k.id} ${row.id} on ${n.name} against ${ca} (its signer: ${signer}): ${r.stdout}${r.stderr}`);
        }
        checked++;
      }
    }
  }
  assert.ok(checked >= REGISTRY.length * cluster.nodes.length, `${checked} certificate files checked`);
});

test("shellcheck passes every component's verify.sh", () => {
  if (!needTool("shellcheck", "shellcheck of every component's verify.sh")) return;
  for (const k of REGISTRY) {
    const row = k.files.find((f) => f.content.from === "verify")!;
    const file = onNode(cluster.nodes[0]!.name, row.target(cluster));
    const r = spawnSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
    assert.is(r.status, 0, `${k.id}: ${r.stdout}`);
  }
});

/** serve: an HTTPS server on 127.0.0.1 presenting `cert` and requiring a client certificate from `ca`; records the peers. */
async function serve(cert: Buffer, key: Buffer, ca: Buffer): Promise<{ server: Server; port: number; peers: string[] }> {
  const peers: string[] = [];
  const server = createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, peers };
}

const kubectl = (args: string[]) => kubectlRun(["--request-timeout=10s", ...args], t.dir);

test("kubectl reads every component's kubeconfig, and completes mTLS with it against the component's serving certificate", async () => {
  if (!needTool("kubectl", "kubectl with every component's kubeconfig")) return;
  const n = cluster.nodes[0]!;
  for (const k of REGISTRY) {
    const files: Component["verifyFiles"] = k.verifyFiles;
    if (files.kubeconfig === undefined) continue; // etcd has no kubeconfig: test/e2e/etcd-cluster.test.ts runs it
    const kubeconfig = onNode(n.name, fileTarget(cluster, REGISTRY, files.kubeconfig));
    const view = await kubectl(["config", "view", "--kubeconfig", kubeconfig, "--raw", "-o", "jsonpath={.clusters[0].cluster.server} {.users[0].name} {.current-context}"]);
    assert.is(view.code, 0, view.err);
    const [server, user, context] = view.out.split(" ");
    assert.is(server, `https://${n.ip}:6443`, k.id);
    assert.is(user, `system:${k.id}`, k.id);
    assert.is(context, user, k.id);
    const read = (id: string) => readFileSync(onNode(n.name, fileTarget(cluster, REGISTRY, id)));
    const { server: https, port, peers } = await serve(read(k.verifyFiles.cert), read(k.verifyFiles.key), read(k.verifyFiles.ca));
    try {
      const r = await kubectl(["--kubeconfig", kubeconfig, "--server", `https://127.0.0.1:${port}`, "get", "--raw", "/healthz"]);
      assert.is(r.code, 0, `${k.id}: ${r.err}`);
      assert.is(r.out.trim(), "ok");
      assert.equal([...new Set(peers)], [`system:${k.id}`], k.id);
    } finally {
      https.close();
    }
  }
});

test.after(() => t.cleanup());
test.run();
