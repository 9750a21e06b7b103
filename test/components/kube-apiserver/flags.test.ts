// kube-apiserver's flag table read for every release 1.16-1.37: the guide's flags with the reference's release rules, the
// values computed from the spec, the file flags naming the file rows' targets, and extraArgs refused by release.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { APISERVER, APISERVER_FLAGS, etcdServers } from "../../../src/components/kube-apiserver/flags.js";
import { APISERVER_FILES, auditLogPath, auditPolicyPath, encryptionConfigPath } from "../../../src/components/kube-apiserver/files.js";
import { serviceAccountFiles } from "../../../src/components/shared-files.js";
import { KNOWN_FLAGS } from "../../../src/components/kube-apiserver/known-flags.js";
import { defaultFlags, extraArgsProblems, flagRow } from "../../../src/components/flag-table.js";
import { SHARED_FILES, fileRow } from "../../../src/components/layout.js";
import { parseVersion, supportedMinors } from "../../../src/components/release.js";
import { clusterWith } from "../../plan/_specs.js";
import type { Cluster } from "../../../src/spec/cluster.js";

const at = (version: string, change: (s: any) => void = () => {}): Cluster =>
  clusterWith("valid-guide-1.16.json", (s) => ((s.kubernetesVersion = version), delete s.components, change(s)));
const flagsOf = (c: Cluster, i = 0) => defaultFlags(APISERVER, { cluster: c, node: c.nodes[i]! });
const v = (m: string) => parseVersion(m)!;

const byRelease = suite("kube-apiserver flags by release");

// One cluster per release, loaded once.
const CLUSTERS = supportedMinors().map((m) => at(m.text));

byRelease("should emit --insecure-port=0 up to 1.19 and nothing from 1.20", () => {
  for (const c of CLUSTERS) assert.is(flagsOf(c).get("insecure-port"), c.version.minor <= 19 ? "0" : undefined, c.version.text);
});

byRelease("should emit --kubelet-https up to 1.18, --apiserver-count up to 1.23, --default-watch-cache-size up to 1.24, klog's --logtostderr up to 1.22", () => {
  for (const c of CLUSTERS) {
    const f = flagsOf(c);
    const m = c.version.minor;
    assert.is(f.get("kubelet-https"), m <= 18 ? "true" : undefined, `kubelet-https ${m}`);
    assert.is(f.get("apiserver-count"), m <= 23 ? "3" : undefined, `apiserver-count ${m}`);
    assert.is(f.get("default-watch-cache-size"), m <= 24 ? "200" : undefined, `default-watch-cache-size ${m}`);
    assert.is(f.get("logtostderr"), m <= 22 ? "true" : undefined, `logtostderr ${m}`);
  }
});

byRelease("should never emit DynamicAuditing, --audit-dynamic-configuration or --runtime-config by default", () => {
  for (const c of CLUSTERS) {
    const f = flagsOf(c);
    for (const flag of ["feature-gates", "audit-dynamic-configuration", "runtime-config"]) assert.not.ok(f.has(flag), `${flag} ${c.version.text}`);
  }
});

byRelease("should emit the service-account signing key and issuer from 1.20, the verifying key in every release", () => {
  for (const c of CLUSTERS) {
    const f = flagsOf(c);
    const from20 = c.version.minor >= 20;
    assert.is(f.get("service-account-key-file"), "/etc/kubernetes/cert/sa.pub");
    assert.is(f.get("service-account-signing-key-file"), from20 ? "/etc/kubernetes/cert/sa.key" : undefined, c.version.text);
    assert.is(f.get("service-account-issuer"), from20 ? "https://kubernetes.default.svc.cluster.local" : undefined, c.version.text);
  }
});

byRelease("should emit every other flag of the guide's unit in every release, with the guide's value", () => {
  const guide: Record<string, string> = {
    "default-not-ready-toleration-seconds": "360", "default-unreachable-toleration-seconds": "360", "max-mutating-requests-inflight": "2000",
    "max-requests-inflight": "4000", "delete-collection-workers": "2", "secure-port": "6443", "profiling": "true", "anonymous-auth": "false",
    "enable-bootstrap-token-auth": "true", "requestheader-extra-headers-prefix": "X-Remote-Extra-", "requestheader-group-headers": "X-Remote-Group",
    "requestheader-username-headers": "X-Remote-User", "authorization-mode": "Node,RBAC", "enable-admission-plugins": "NodeRestriction",
    "allow-privileged": "true", "event-ttl": "168h", "kubelet-timeout": "10s", "service-cluster-ip-range": "10.254.0.0/16",
    "service-node-port-range": "30000-32767", "v": "2", "audit-log-maxage": "15", "audit-log-maxbackup": "3", "audit-log-maxsize": "100",
    "audit-log-truncate-enabled": "true", "requestheader-allowed-names": "front-proxy-client",
  };
  for (const c of CLUSTERS) {
    const f = flagsOf(c);
    for (const [flag, value] of Object.entries(guide)) assert.is(f.get(flag), value, `${flag} ${c.version.text}`);
  }
});

byRelease("should name, in each file flag, the target of its file row (paths from one place)", () => {
  const c = at("1.36.0");
  const f = flagsOf(c);
  const target = (id: string) => fileRow([...SHARED_FILES, ...APISERVER_FILES], id).target(c);
  const files: Record<string, string> = {
    "etcd-cafile": "etcd-ca-cert", "etcd-certfile": "kas-etcd-client-cert", "etcd-keyfile": "kas-etcd-client-key", "tls-cert-file": "kas-cert",
    "tls-private-key-file": "kas-key", "client-ca-file": "ca-cert", "requestheader-client-ca-file": "front-proxy-ca-cert",
    "kubelet-certificate-authority": "ca-cert", "kubelet-client-certificate": "kas-kubelet-client-cert", "kubelet-client-key": "kas-kubelet-client-key",
    "proxy-client-cert-file": "kas-proxy-client-cert", "proxy-client-key-file": "kas-proxy-client-key",
  };
  for (const [flag, id] of Object.entries(files)) assert.is(f.get(flag), target(id), flag);
  assert.is(f.get("encryption-provider-config"), encryptionConfigPath(c));
  assert.is(f.get("audit-policy-file"), auditPolicyPath(c));
  assert.is(f.get("audit-log-path"), auditLogPath(c));
  assert.is(f.get("audit-log-path"), "/data/k8s/k8s/kube-apiserver/audit.log");
  assert.is(f.get("encryption-provider-config"), "/etc/kubernetes/encryption-config.yaml");
});

byRelease("should bind and advertise each node's own IP, and list every etcd member in --etcd-servers", () => {
  const c = at("1.36.0");
  c.nodes.forEach((n, i) => {
    const f = flagsOf(c, i);
    assert.is(f.get("advertise-address"), n.ip);
    assert.is(f.get("bind-address"), n.ip);
    assert.is(f.get("etcd-servers"), "https://103.172.239.9:2379,https://103.172.238.94:2379,https://103.172.239.71:2379");
  });
  assert.is(etcdServers(c, 12379), "https://103.172.239.9:12379,https://103.172.238.94:12379,https://103.172.239.71:12379");
  const v6 = clusterWith("valid-ipv6.json", () => {});
  assert.is(etcdServers(v6), "https://[fd00:10::11]:2379,https://[fd00:10::12]:2379,https://[fd00:10::13]:2379");
  assert.is(flagsOf(v6, 1).get("bind-address"), "fd00:10::12");
});

byRelease("should leave every audit flag out with apiServer.audit false, and follow the spec's port, range and domain", () => {
  const c = at("1.36.0", (s) => ((s.apiServer = { ...s.apiServer, audit: false, port: 8443, serviceNodePortRange: "30000-31000" }), (s.clusterDomain = "k8s.example.org")));
  const f = flagsOf(c);
  assert.equal([...f.keys()].filter((k) => k.startsWith("audit-")), []);
  assert.is(f.get("secure-port"), "8443");
  assert.is(f.get("service-node-port-range"), "30000-31000");
  assert.is(f.get("service-account-issuer"), "https://kubernetes.default.svc.k8s.example.org");
});

byRelease("should use the CA's key pair for service-account tokens with single trust", () => {
  const c = at("1.36.0");
  const single = { ...c, spec: { ...c.spec, pki: { ...c.spec.pki, trust: "single" } } } as Cluster;
  assert.equal(serviceAccountFiles(single), { key: "/etc/kubernetes/cert/ca-key.pem", pub: "/etc/kubernetes/cert/ca.pem" });
  const f = flagsOf(single);
  assert.is(f.get("service-account-key-file"), fileRow(SHARED_FILES, "ca-cert").target(c));
  assert.is(f.get("service-account-signing-key-file"), fileRow(SHARED_FILES, "ca-key").target(c));
});

const extra = suite("kube-apiserver extraArgs by release");

const problems = (minor: string, args: Record<string, string | null>) => extraArgsProblems(APISERVER, v(minor), args);

extra("should refuse the guide's --audit-dynamic-configuration from 1.19 and --kubelet-https from 1.22, naming the release", () => {
  assert.equal(problems("1.18", { "audit-dynamic-configuration": "true" }), []);
  const [p] = problems("1.19", { "audit-dynamic-configuration": "true" });
  assert.is(p!.severity, "error");
  assert.is(p!.pointer, "/apiServer/extraArgs/audit-dynamic-configuration");
  assert.match(p!.message, /removed in Kubernetes 1\.19 \(target 1\.19\)/);
  assert.equal(problems("1.21", { "kubelet-https": "true" }).map((x) => x.severity), ["warning"], "past its default, not yet removed");
  assert.match(problems("1.22", { "kubelet-https": "true" })[0]!.message, /removed in Kubernetes 1\.22/);
});

extra("should refuse the insecure-port family from 1.24, and the bare runtime-config api/all everywhere", () => {
  for (const flag of ["insecure-port", "insecure-bind-address", "port", "enable-swagger-ui", "target-ram-mb", "experimental-encryption-provider-config"]) {
    assert.ok(problems("1.24", { [flag]: "0" }).some((p) => p.severity === "error" && /removed in Kubernetes 1\.24/.test(p.message)), flag);
  }
  assert.is(problems("1.24", { "experimental-encryption-provider-config": "/x" })[0]!.hint, "encryption-provider-config");
  assert.equal(problems("1.20", { "runtime-config": "api/all=true" }), []);
  const [bare] = problems("1.36", { "runtime-config": "api/all" });
  assert.is(bare!.hint, "api/all=true");
});

extra("should warn, not refuse, for --apiserver-count and --default-watch-cache-size past their default", () => {
  assert.equal(problems("1.30", { "apiserver-count": "3", "default-watch-cache-size": "100" }).map((p) => p.severity), ["warning", "warning"]);
});

const table = suite("kube-apiserver flag table");

table("should hold each flag once, each known to the binary in the releases it emits it", () => {
  const names = APISERVER_FLAGS.map((r) => r.flag);
  assert.equal(names.filter((n, i) => names.indexOf(n) !== i), []);
  const known = new Set(KNOWN_FLAGS.map((k) => k.flag));
  for (const r of APISERVER_FLAGS) assert.ok(known.has(r.flag), `--${r.flag} is in known-flags.ts`);
  const kn = KNOWN_FLAGS.map((k) => k.flag);
  assert.equal(kn.filter((n, i) => kn.indexOf(n) !== i), [], "known flags are unique");
  for (const r of APISERVER_FLAGS) {
    const k = KNOWN_FLAGS.find((x) => x.flag === r.flag)!;
    if (r.removedIn) assert.is(k.removedIn, r.removedIn, `${r.flag}: the table and the known flags agree on the removal`);
  }
  assert.ok(flagRow(APISERVER, "leader-elect") === undefined && !known.has("leader-elect"), "kube-apiserver has no leader election");
});

byRelease.run();
extra.run();
table.run();
