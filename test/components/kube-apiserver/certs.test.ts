// kube-apiserver's certificate declarations: the serving certificate's SANs exactly (as the certificate table sorts them),
// with and without apiServer.endpoint and extraSANs, IPv4 and IPv6; the kubelet client's subject by release; the RBAC
// manifest for out/admin.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments, stringify } from "yaml";
import {
  APISERVER_CERTS, FRONT_PROXY_CA_ID, HEALTHCHECK_CN, KUBELET_CLIENT_CN, endpointHost, firstServiceIp, kubeletClientSubject, rbacObjects,
} from "../../../src/components/kube-apiserver/certs.js";
import { FRONT_PROXY_CLIENT_CN } from "../../../src/components/shared-files.js";
import type { CertDecl, Subject } from "../../../src/components/component.js";
import { supportedMinors } from "../../../src/components/release.js";
import { sortHosts } from "../../../src/pki/x509/sans.js";
import { clusterWith } from "../../plan/_specs.js";
import type { Cluster } from "../../../src/spec/cluster.js";

const serving = (_c: Cluster) => APISERVER_CERTS.find((d) => d.id === "apiserver")!;
/** subjectOf: a declaration's subject for a cluster (a function for the release-dependent kubelet client). */
const subjectOf = (d: CertDecl, c: Cluster): Subject => (typeof d.subject === "function" ? d.subject(c) : d.subject);
const sansOf = (c: Cluster, i: number) => sortHosts(serving(c).hosts(c, c.nodes[i]!));

const sans = suite("apiserver serving certificate SANs");

sans("should name the node, 127.0.0.1, the first service IP and the Service's names, nothing else, without an endpoint", () => {
  const c = clusterWith("valid-guide-1.16.json", () => {});
  assert.equal(sansOf(c, 0), ["idc-k8s-01", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.254.0.1", "103.172.239.9", "127.0.0.1"]);
  assert.equal(sansOf(c, 2), ["idc-k8s-03", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.254.0.1", "103.172.239.71", "127.0.0.1"]);
  for (const n of sansOf(c, 1)) assert.not.ok(n.endsWith("."), `${n}: no trailing dot`);
});

sans("should add the endpoint's host and every extraSAN (IPs canonical, names lower-case), once", () => {
  const c = clusterWith("valid-guide-1.16.json", (s) => {
    s.apiServer = { port: 6443, endpoint: "https://K8S-API.example.com:8443", extraSANs: ["lb.example.com", "10.0.0.100", "FD00::0:1", "k8s-api.example.com"] };
    s.clusterDomain = "corp.internal";
  });
  assert.equal(sansOf(c, 1), [
    "idc-k8s-02", "k8s-api.example.com", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.corp.internal", "lb.example.com",
    "10.0.0.100", "10.254.0.1", "103.172.238.94", "127.0.0.1", "fd00::1",
  ]);
});

sans("should take an IP endpoint without its brackets, and IPv6 node and service addresses", () => {
  const c = clusterWith("valid-ipv6.json", (s) => (s.apiServer = { port: 6443, endpoint: "https://[fd00:10::100]:8443" }));
  assert.equal(sansOf(c, 0), ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "v6-node-01", "127.0.0.1", "fd00:10::11", "fd00:10::100", "fd00:254::1"]);
  assert.is(endpointHost("https://[fd00:10::100]:8443"), "fd00:10::100");
  assert.is(endpointHost(null), null);
});

sans("should find the first service IP of any serviceCIDR (the `kubernetes` Service's ClusterIP)", () => {
  assert.is(firstServiceIp("10.254.0.0/16"), "10.254.0.1");
  assert.is(firstServiceIp("10.96.0.0/12"), "10.96.0.1");
  assert.is(firstServiceIp("192.168.0.0/31"), "192.168.0.1");
  assert.is(firstServiceIp("fd00:254::/108"), "fd00:254::1");
  assert.is(firstServiceIp("fd00:254::ff00/120"), "fd00:254::ff01");
});

const subjects = suite("apiserver client identities");

subjects("should give apiserver-kubelet-client kubeadm's subject for the release: system:masters to 1.28, kubeadm:cluster-admins to 1.36, no group from 1.37", () => {
  for (const m of supportedMinors()) {
    const d = APISERVER_CERTS.find((x) => x.id === "apiserver-kubelet-client")!;
    const want = m.minor <= 28 ? "system:masters" : m.minor <= 36 ? "kubeadm:cluster-admins" : undefined;
    const c = clusterWith("valid-guide-1.16.json", (s) => (s.kubernetesVersion = m.text));
    assert.is(subjectOf(d, c).CN, KUBELET_CLIENT_CN);
    assert.is(subjectOf(d, c).O, want ?? null, `${m.text}: no O at all (null), not the CN in its place`);
    assert.is(kubeletClientSubject(m).O, want);
    assert.equal(d.profile, ["signing", "key encipherment", "client auth"]);
  }
});

subjects("should declare the serving certificate per node for server auth only, the clients per cluster for client auth", () => {
  const decls = APISERVER_CERTS;
  const by = (id: string) => decls.find((d) => d.id === id)!;
  assert.equal(decls.map((d) => d.id), ["apiserver", "apiserver-kubelet-client", "apiserver-etcd-client", "front-proxy-client", "kube-apiserver-healthcheck-client"]);
  assert.is(by("apiserver").scope, "node");
  assert.equal(by("apiserver").subject, { CN: "kube-apiserver" });
  assert.ok(by("apiserver").profile.includes("server auth") && !by("apiserver").profile.includes("client auth"));
  assert.equal(by("front-proxy-client").subject, { CN: FRONT_PROXY_CLIENT_CN });
  assert.is(by("front-proxy-client").caId, FRONT_PROXY_CA_ID);
  assert.is(FRONT_PROXY_CA_ID, "front-proxy-ca");
  assert.equal(by("kube-apiserver-healthcheck-client").subject, { CN: HEALTHCHECK_CN });
  assert.equal(by("apiserver-etcd-client").subject, { CN: "kube-apiserver-etcd-client", O: null });
  assert.is(by("apiserver-etcd-client").caId, "etcd-ca");
  for (const id of ["apiserver-kubelet-client", "apiserver-etcd-client", "front-proxy-client", "kube-apiserver-healthcheck-client"]) {
    assert.is(by(id).scope, "cluster");
    assert.ok(by(id).profile.includes("client auth") && !by(id).profile.includes("server auth"), id);
    assert.equal(by(id).hosts(clusterWith("valid-guide-1.16.json", () => {}), null), [], `${id} has no SANs`);
  }
});

subjects("should ship one RBAC manifest: the kubelet client bound to system:kubelet-api-admin, the health-check user allowed only get on the health endpoints", () => {
  const text = rbacObjects().map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  assert.is(docs.length, 3);
  for (const d of docs) assert.is(d.apiVersion, "rbac.authorization.k8s.io/v1");
  const [kubelet, role, binding] = docs;
  assert.is(kubelet.kind, "ClusterRoleBinding");
  assert.equal(kubelet.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:kubelet-api-admin" });
  assert.equal(kubelet.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: KUBELET_CLIENT_CN }]);
  assert.is(role.kind, "ClusterRole");
  assert.equal(role.rules, [{ nonResourceURLs: ["/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz", "/readyz/*"], verbs: ["get"] }]);
  assert.not.ok("resources" in role.rules[0], "no resource access at all");
  assert.is(binding.kind, "ClusterRoleBinding");
  assert.equal(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name });
  assert.equal(binding.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: HEALTHCHECK_CN }]);
});

sans.run();
subjects.run();
