// The apiServer section and clusterDomain as the loader checks them: defaults, the trailing dot refused with the fix,
// extraSANs entries and the NodePort range order, each error at its JSON pointer with its line.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { checkSpec } from "../../src/spec/load.js";
import { clusterWith } from "../plan/_specs.js";
import { ROOT } from "../helpers/tools.js";

const problemsOf = (patch: Record<string, unknown>) =>
  checkSpec(JSON.stringify({ serviceCIDR: "10.254.0.0/16", nodes: [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-2", ip: "10.0.0.2" }], ...patch }, null, 1), path.join(ROOT, "inline.json")).problems;
const errors = (patch: Record<string, unknown>) => problemsOf(patch).filter((p) => p.severity === "error");

const test = suite("apiServer and clusterDomain");

test("should default clusterDomain, extraSANs, the NodePort range, aescbc encryption, audit on and empty extraArgs", () => {
  const c = clusterWith("valid-guide-1.16.json", () => {});
  assert.is(c.spec.clusterDomain, "cluster.local");
  assert.equal(c.spec.apiServer.extraSANs, []);
  assert.is(c.spec.apiServer.serviceNodePortRange, "30000-32767");
  assert.equal(c.spec.apiServer.encryption, { provider: "aescbc" });
  assert.is(c.spec.apiServer.audit, true);
  assert.equal(c.spec.apiServer.extraArgs, {});
});

test("should refuse an apiServer.extraArgs secure-port other than apiServer.port (every kubeconfig and check dials that)", () => {
  const [p, ...rest] = errors({ apiServer: { port: 6443, extraArgs: { "secure-port": "7443" } } });
  assert.equal(rest, []);
  assert.is(p!.pointer, "/apiServer/extraArgs/secure-port");
  assert.match(p!.message, /--secure-port=7443 differs from apiServer\.port 6443.*set apiServer\.port instead/);
  assert.equal(errors({ apiServer: { port: 7443, extraArgs: { "secure-port": "7443" } } }), []);
  assert.equal(errors({ components: ["etcd"], apiServer: { extraArgs: { "secure-port": "7443" } } }), [], "unread without kube-apiserver");
});

test("should refuse --insecure-port other than 0 up to 1.23, and its removal up to 1.19 (unauthenticated 127.0.0.1:8080)", () => {
  const at = (v: string, value: string | null) => errors({ kubernetesVersion: v, apiServer: { extraArgs: { "insecure-port": value } } });
  assert.match(at("1.19", null)[0]!.message, /removing --insecure-port=0 leaves kube-apiserver 1\.19 serving every request unauthenticated on 127\.0\.0\.1:8080/);
  assert.match(at("1.16", "8080")[0]!.message, /--insecure-port=8080: it would serve every request unauthenticated/);
  assert.match(at("1.21", "8080")[0]!.message, /--insecure-port=8080: kube-apiserver 1\.21 accepts only 0/);
  assert.is(at("1.21", "8080")[0]!.pointer, "/apiServer/extraArgs/insecure-port");
  assert.equal(at("1.19", "0"), []);
  assert.equal(at("1.21", null), [], "1.20-1.23 serve nothing insecure by default");
});

test("should refuse removing the service-account issuer or signing key from 1.20, which kube-apiserver needs to start", () => {
  const e = errors({ kubernetesVersion: "1.20", apiServer: { extraArgs: { "service-account-issuer": null, "service-account-signing-key-file": null } } });
  assert.equal(e.map((p) => p.pointer), ["/apiServer/extraArgs/service-account-issuer", "/apiServer/extraArgs/service-account-signing-key-file"]);
  assert.match(e[0]!.message, /cannot be removed: kube-apiserver 1\.20 refuses to start without it/);
  assert.equal(errors({ kubernetesVersion: "1.19", apiServer: { extraArgs: { "service-account-issuer": null } } }), []);
});

test("should refuse etcd's ports on apiServer.port or another component's secure port, and on each other", () => {
  const [api] = errors({ apiServer: { port: 2379 } });
  assert.is(api!.pointer, "/etcd/clientPort");
  assert.match(api!.message, /2379 is apiServer\.port too: both listen on every node/);
  const [kcm] = errors({ etcd: { peerPort: 10252 }, controllerManager: { securePort: 10252 } });
  assert.is(kcm!.pointer, "/etcd/peerPort");
  assert.match(kcm!.message, /10252 is kube-controller-manager's secure port too/);
  assert.match(errors({ etcd: { clientPort: 2400, peerPort: 2400 } })[0]!.message, /2400 is etcd's client port too/);
  assert.equal(errors({ components: ["kube-apiserver", "kube-scheduler"], apiServer: { port: 2379 } }), [], "no etcd generated: no clash");
});

test("should warn that kube-apiserver without etcd needs the etcd members' CA (pki.etcdCA) under separate trust", () => {
  const warn = (patch: Record<string, unknown>) => problemsOf(patch).filter((p) => p.severity === "warning" && p.pointer === "/components");
  assert.match(warn({ components: ["kube-apiserver"] })[0]!.message, /kube-apiserver without etcd: .*import their CA with pki\.etcdCA/);
  assert.equal(warn({ components: ["kube-apiserver"], pki: { trust: "single" } }), []);
  assert.equal(warn({ components: ["etcd", "kube-apiserver"] }), []);
});

test("should refuse a clusterDomain with a trailing dot, offering it without, and an upper-case one", () => {
  const [p, ...rest] = errors({ clusterDomain: "cluster.local." });
  assert.equal(rest, [], "one message, not the schema's too");
  assert.is(p!.pointer, "/clusterDomain");
  assert.is(p!.hint, "cluster.local");
  assert.match(p!.message, /ends with a dot: write the domain without it/);
  assert.ok(p!.line !== undefined);
  assert.is(errors({ clusterDomain: "Cluster.Local" })[0]!.hint, "cluster.local");
  assert.equal(errors({ clusterDomain: "k8s.example.org" }), []);
});

test("should accept IPs and DNS names in extraSANs and refuse anything else at its entry", () => {
  assert.equal(errors({ apiServer: { extraSANs: ["lb.example.com", "10.0.0.100", "fd00::100"] } }), []);
  const cases: [unknown, RegExp, string?][] = [
    ["lb.example.com.", /ends with a dot/, "lb.example.com"],
    ["*.example.com", /neither an IP address nor a DNS name/],
    ["https://lb.example.com", /neither an IP address nor a DNS name/],
    ["lb.example.com:6443", /neither an IP address nor a DNS name/],
    ["10.0.0.256", /not an IPv4 address/],
    ["[fd00::1]", /without brackets/, "fd00::1"],
    ["0.0.0.0", /unspecified address/],
  ];
  for (const [san, re, hint] of cases) {
    const found = errors({ apiServer: { extraSANs: ["ok.example.com", san] } });
    assert.is(found.length, 1, `${san}: ${JSON.stringify(found)}`);
    assert.is(found[0]!.pointer, "/apiServer/extraSANs/1", String(san));
    assert.match(found[0]!.message, re, String(san));
    assert.is(found[0]!.hint, hint, String(san));
  }
  const dup = errors({ apiServer: { extraSANs: ["LB.example.com", "lb.example.com"] } });
  assert.equal(dup.map((p) => [p.pointer, p.message]), [["/apiServer/extraSANs/1", '"lb.example.com" is also /apiServer/extraSANs/0']]);
});

test("should refuse a NodePort range out of order or out of bounds, and warn when it holds the apiserver's port", () => {
  assert.equal(errors({ apiServer: { serviceNodePortRange: "8400-9000" } }), []);
  const [p] = errors({ apiServer: { serviceNodePortRange: "32767-30000" } });
  assert.is(p!.pointer, "/apiServer/serviceNodePortRange");
  assert.match(p!.message, /the first port must not be above the last/);
  assert.is(p!.hint, "30000-32767");
  assert.match(errors({ apiServer: { serviceNodePortRange: "30000-70000" } })[0]!.message, /70000 is not a port number/);
  assert.match(errors({ apiServer: { serviceNodePortRange: "30000" } })[0]!.message, /not a port range/);
  const [w] = problemsOf({ apiServer: { port: 30001 } }).filter((x) => x.pointer === "/apiServer/serviceNodePortRange");
  assert.is(w!.severity, "warning");
});

test("should refuse an unknown encryption provider and a non-boolean audit", () => {
  assert.ok(errors({ apiServer: { encryption: { provider: "kms" } } }).some((p) => p.pointer === "/apiServer/encryption/provider"));
  assert.ok(errors({ apiServer: { audit: "no" } }).some((p) => p.pointer === "/apiServer/audit"));
  assert.equal(errors({ apiServer: { encryption: { provider: "secretbox" }, audit: false } }), []);
});

test.run();
