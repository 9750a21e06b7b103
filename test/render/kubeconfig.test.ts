import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { buildKubeconfig, nodeKubeconfig, serializeKubeconfig, serverFor } from "../../src/render/kubeconfig.js";
import { KCM_USER } from "../../src/components/kube-controller-manager/files.js";
import type { ClusterNode } from "../../src/spec/cluster.js";
const kcmKubeconfig = (c: Cluster, n: ClusterNode, certs: { ca: string; cert: string; key: string }) => nodeKubeconfig(c, n, KCM_USER, certs);
import { loadSpec } from "../../src/spec/load.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { needTool, ROOT, run, withTmp } from "../helpers/tools.js";

const FIXTURES = path.join(ROOT, "test/fixtures");
const GOLDEN = path.join(ROOT, "test/golden/render/kubeconfig");
const fixture = (name: string) => loadSpec(path.join(FIXTURES, name)).cluster;
const withEndpoint = (c: Cluster, endpoint: string | null): Cluster => ({ ...c, spec: { ...c.spec, apiServer: { ...c.spec.apiServer, endpoint } } });
const GUIDE = fixture("valid-guide-1.16.json");
const IPV6 = fixture("valid-ipv6.json");

/** PEMS: stand-in PEM texts for the pure tests (kubectl gets real ones below). */
const PEMS = {
  ca: "-----BEGIN CERTIFICATE-----\nQ0EgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
  cert: "-----BEGIN CERTIFICATE-----\nS0NNIGNlcnRpZmljYXRl\n-----END CERTIFICATE-----\n",
  key: "-----BEGIN EC PRIVATE KEY-----\nbm90IGEgcmVhbCBrZXk=\n-----END EC PRIVATE KEY-----\n",
};
const b64 = (s: string) => Buffer.from(s).toString("base64");

// ---------------------------------------------------------------------------------------------
const server = suite("serverFor");

server("should point each node at its own apiserver, as the guide does", () => {
  assert.equal(GUIDE.nodes.map((n) => serverFor(GUIDE, n)), ["https://103.172.239.9:6443", "https://103.172.238.94:6443", "https://103.172.239.71:6443"]);
});

server("should bracket IPv6 addresses, in canonical form", () => {
  assert.is(serverFor(IPV6, IPV6.nodes[0]!), "https://[fd00:10::11]:6443");
});

server("should follow apiServer.port", () => {
  const c: Cluster = { ...GUIDE, spec: { ...GUIDE.spec, apiServer: { ...GUIDE.spec.apiServer, port: 8443 } } };
  assert.is(serverFor(c, c.nodes[1]!), "https://103.172.238.94:8443");
});

server("should use apiServer.endpoint for every node when set", () => {
  for (const [endpoint, expected] of [
    ["https://10.0.0.100:8443", "https://10.0.0.100:8443"],
    ["https://10.0.0.100:8443/", "https://10.0.0.100:8443"],
    ["https://[FD00::0100]:8443", "https://[fd00::100]:8443"],
    ["https://api.example.com", "https://api.example.com"],
  ] as const) {
    const c = withEndpoint(GUIDE, endpoint);
    for (const n of c.nodes) assert.is(serverFor(c, n), expected, endpoint);
  }
});

server.run();

// ---------------------------------------------------------------------------------------------
const build = suite("buildKubeconfig / serializeKubeconfig");

const SPEC = { clusterName: "kubernetes", server: "https://103.172.239.9:6443", user: KCM_USER, caPem: PEMS.ca, certPem: PEMS.cert, keyPem: PEMS.key };

build("should build the guide's kubeconfig as an object, data embedded as base64", () => {
  assert.equal(buildKubeconfig(SPEC), {
    apiVersion: "v1",
    clusters: [{ cluster: { "certificate-authority-data": b64(PEMS.ca), server: SPEC.server }, name: "kubernetes" }],
    contexts: [{ context: { cluster: "kubernetes", user: KCM_USER }, name: KCM_USER }],
    "current-context": KCM_USER,
    kind: "Config",
    preferences: {},
    users: [{ name: KCM_USER, user: { "client-certificate-data": b64(PEMS.cert), "client-key-data": b64(PEMS.key) } }],
  });
});

build("should serialise to the same text whatever the key order of the object", () => {
  const o = buildKubeconfig(SPEC) as Record<string, unknown>;
  const reversed = Object.fromEntries(Object.entries(o).reverse());
  assert.is(serializeKubeconfig(reversed), serializeKubeconfig(o));
  assert.is(serializeKubeconfig(o), serializeKubeconfig(buildKubeconfig(SPEC)));
});

build("should match the committed golden kubeconfig of each node (guide, IPv6, endpoint)", () => {
  const cases: [string, Cluster][] = [["guide", GUIDE], ["ipv6", IPV6], ["endpoint", withEndpoint(GUIDE, "https://10.0.0.100:8443")]];
  for (const [dir, c] of cases) {
    for (const n of c.nodes) {
      const text = kcmKubeconfig(c, n, PEMS);
      const file = path.join(GOLDEN, dir, `${n.name}.kubeconfig`);
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      assert.fixture(text, readFileSync(file, "utf8"), path.relative(ROOT, file));
    }
  }
});

build("should quote YAML-ambiguous names rather than change their type", () => {
  const text = serializeKubeconfig(buildKubeconfig({ ...SPEC, clusterName: "123" }));
  assert.match(text, /name: "123"\n/);
});

build.run();

// ---------------------------------------------------------------------------------------------
const kubectl = suite("kubectl config view");

/** realPems: a P-256 CA and a leaf it signed, made by openssl in `dir`. */
function realPems(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => path.join(dir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"];
  run("openssl", ["req", "-x509", ...ec, "-keyout", f("ca-key.pem"), "-out", f("ca.pem"), "-subj", "/CN=kubernetes-ca"]);
  const subj = "/CN=system:kube-controller-manager/O=system:kube-controller-manager";
  run("openssl", ["req", "-x509", ...ec, "-keyout", f("kcm-key.pem"), "-out", f("kcm.pem"), "-subj", subj, "-CA", f("ca.pem"), "-CAkey", f("ca-key.pem")]);
  return { ca: readFileSync(f("ca.pem"), "utf8"), cert: readFileSync(f("kcm.pem"), "utf8"), key: readFileSync(f("kcm-key.pem"), "utf8") };
}

/**
 * view: `kubectl config view --kubeconfig FILE -o json [--raw]`, with HOME in `dir` so no real kubeconfig is read.
 * Some kubectl builds (version dispatchers) ask the kubeconfig's server for its version first; a dead local
 * proxy keeps the test offline and fast.
 */
function view(dir: string, file: string, raw: boolean): any {
  const env = { PATH: process.env.PATH, HOME: dir, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "" };
  return JSON.parse(run("kubectl", ["config", "view", "--kubeconfig", file, "-o", "json", ...(raw ? ["--raw"] : [])], { env }));
}

kubectl("should read each kubeconfig with the expected server, user, context and embedded data", () => {
  if (!needTool("kubectl", "kubectl config view of rendered kubeconfigs")) return;
  if (!needTool("openssl", "real certificates for the kubeconfig")) return;
  withTmp((t) => {
    const pems = realPems(t.dir);
    const cases: [Cluster, (n: Cluster["nodes"][number]) => string][] = [
      [GUIDE, (n) => `https://${n.ip}:6443`],
      [IPV6, (n) => `https://[${n.ip}]:6443`],
      [withEndpoint(IPV6, "https://[fd00::100]:8443/"), () => "https://[fd00::100]:8443"],
    ];
    for (const [c, expected] of cases) {
      for (const n of c.nodes) {
        const file = path.join(t.dir, `${n.name}.kubeconfig`);
        writeFileSync(file, kcmKubeconfig(c, n, pems), { mode: 0o600 });
        const v = view(t.dir, file, true);
        assert.is(v.clusters[0].name, "kubernetes");
        assert.is(v.clusters[0].cluster.server, expected(n));
        assert.is(Buffer.from(v.clusters[0].cluster["certificate-authority-data"], "base64").toString(), pems.ca);
        assert.is(v.users[0].name, KCM_USER);
        assert.is(Buffer.from(v.users[0].user["client-certificate-data"], "base64").toString(), pems.cert);
        assert.is(Buffer.from(v.users[0].user["client-key-data"], "base64").toString(), pems.key);
        assert.equal(v.contexts, [{ name: KCM_USER, context: { cluster: "kubernetes", user: KCM_USER } }]);
        assert.is(v["current-context"], KCM_USER);
      }
    }
  });
});

kubectl("should read the same as the guide's kubeconfig of each node", () => {
  if (!needTool("kubectl", "kubectl config view of rendered kubeconfigs")) return;
  if (!needTool("openssl", "real certificates for the kubeconfig")) return;
  withTmp((t) => {
    const pems = realPems(t.dir);
    for (const n of GUIDE.nodes) {
      const file = path.join(t.dir, `${n.name}.kubeconfig`);
      writeFileSync(file, kcmKubeconfig(GUIDE, n, pems), { mode: 0o600 });
      const guide = JSON.parse(readFileSync(path.join(FIXTURES, "render/guide-1.16", `${n.name}.kubeconfig-view.json`), "utf8"));
      assert.equal(view(t.dir, file, false), guide, n.name);
    }
  });
});

kubectl.run();
