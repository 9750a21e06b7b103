// kube-apiserver's certificates as CertDecl rows (the certificate table's declaration type), and the RBAC objects its
// client identities need, shipped as one manifest for out/admin/ to apply once with the admin kubeconfig.
import ipaddr from "ipaddr.js";
import type { CertDecl } from "../component.js";
import { compareMinor, type KubeVersion } from "../release.js";
import type { Cluster, ClusterNode } from "../../spec/cluster.js";
import { parseCidr, parseIp } from "../../spec/ip.js";
import { CERT_IDS } from "./files.js";
import { FRONT_PROXY_CLIENT_CN } from "../shared-files.js";

/** FRONT_PROXY_CA_ID: the CA row that signs the front-proxy client (with `separate` trust; the cluster CA with `single`). */
export const FRONT_PROXY_CA_ID = CERT_IDS.frontProxyCa;
/** KUBELET_CLIENT_CN: the user kube-apiserver is towards kubelets (kubeadm's CN). */
export const KUBELET_CLIENT_CN = "kube-apiserver-kubelet-client";
/** HEALTHCHECK_CN: the user verify.sh and check-ha.sh read /readyz and /livez as: no group, only the ClusterRole below. */
export const HEALTHCHECK_CN = "kube-apiserver-healthcheck";

/** firstServiceIp: the first address of serviceCIDR, the `kubernetes` Service's ClusterIP (10.254.0.1 for 10.254.0.0/16). */
export function firstServiceIp(serviceCIDR: string): string {
  const cidr = parseCidr(serviceCIDR);
  if (!cidr) throw new Error(`serviceCIDR ${serviceCIDR} is not a CIDR`);
  const bytes = ipaddr.parse(cidr.network.split("/")[0]!).toByteArray();
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) break;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** endpointHost: the host of `apiServer.endpoint` (an IPv6 address without brackets), or null when it is not set. */
export function endpointHost(endpoint: string | null): string | null {
  if (endpoint === null) return null;
  const host = new URL(endpoint).hostname;
  return host.startsWith("[") ? host.slice(1, -1) : host.toLowerCase();
}

/** serviceNames: the in-cluster names of the `kubernetes` Service, the last one with the cluster domain and no trailing dot
 *  (the guide's `kubernetes.default.svc.cluster.local.` does not match a Go client dialling the name without the dot). */
export function serviceNames(clusterDomain: string): string[] {
  return ["kubernetes", "kubernetes.default", "kubernetes.default.svc", `kubernetes.default.svc.${clusterDomain}`];
}

/** apiserverHosts: the SANs of a node's serving certificate, unsorted: its name and IP, 127.0.0.1, the first service IP, the
 *  Service's names, the endpoint's host and apiServer.extraSANs (IPs in canonical form). */
export function apiserverHosts(c: Cluster, node: ClusterNode): string[] {
  const api = c.spec.apiServer;
  const host = endpointHost(api.endpoint ?? null);
  const extra = (api.extraSANs ?? []).map((s) => parseIp(s)?.text ?? s.toLowerCase());
  return [node.name, node.ip, "127.0.0.1", firstServiceIp(c.spec.serviceCIDR), ...serviceNames(c.spec.clusterDomain), ...(host ? [host] : []), ...extra];
}

/** KubeletClientSubject: the subject kubeadm gives apiserver-kubelet-client, by release. */
export interface KubeletClientSubject {
  from: string;
  to?: string;
  O?: string;
  why: string;
}

/** KUBELET_CLIENT_SUBJECTS: kubeadm's apiserver-kubelet-client subject by release. The RBAC manifest binds the CN to
 *  system:kubelet-api-admin in every release, so the O is kubeadm's parity only: kubebundle binds no group. */
export const KUBELET_CLIENT_SUBJECTS: readonly KubeletClientSubject[] = [
  { from: "1.16", to: "1.28", O: "system:masters", why: "kubeadm up to 1.28 (certlist.go: SystemPrivilegedGroup)" },
  { from: "1.29", to: "1.36", O: "kubeadm:cluster-admins", why: "kubernetes/kubernetes#121837 (1.29): the less privileged kubeadm:cluster-admins group" },
  { from: "1.37", why: "kubernetes/kubernetes#138957 (1.37): no group; a ClusterRoleBinding to system:kubelet-api-admin" },
];

const minor = (m: string) => ({ major: 1, minor: Number(m.split(".")[1]) });

/** kubeletClientSubject: the row of KUBELET_CLIENT_SUBJECTS for a release. */
export function kubeletClientSubject(v: KubeVersion): KubeletClientSubject {
  const row = KUBELET_CLIENT_SUBJECTS.find((r) => compareMinor(v, minor(r.from)) >= 0 && (r.to === undefined || compareMinor(v, minor(r.to)) <= 0));
  if (!row) throw new Error(`no apiserver-kubelet-client subject for ${v.text}`);
  return row;
}

const CLIENT: CertDecl["profile"] = ["signing", "key encipherment", "client auth"];

/** APISERVER_CERTS: kube-apiserver's certificate rows: its serving certificate per node, its clients towards kubelets, etcd
 *  and (as the front proxy) aggregated APIservers, and the health-check client verify.sh and check-ha.sh present. The
 *  kubelet client's subject depends on the release (kubeadm's group). A row without O gets O = CN from the table (a group
 *  nobody binds); etcd's client has none, as kubeadm's. */
export const APISERVER_CERTS: readonly CertDecl[] = [
  {
    id: CERT_IDS.serving,
    longName: "kube-apiserver serving certificate",
    scope: "node",
    caId: "ca",
    profile: ["signing", "key encipherment", "server auth"],
    subject: { CN: "kube-apiserver" },
    hosts: (c, node) => (node ? apiserverHosts(c, node) : []),
  },
  {
    id: CERT_IDS.kubeletClient,
    longName: "kube-apiserver client certificate towards kubelets",
    scope: "cluster",
    caId: "ca",
    profile: CLIENT,
    subject: (c) => {
      // No group from 1.37: O null (an absent O would be the CN, a group of that name).
      return { CN: KUBELET_CLIENT_CN, O: kubeletClientSubject(c.version).O ?? null };
    },
    hosts: () => [],
  },
  {
    id: CERT_IDS.etcdClient,
    longName: "kube-apiserver's etcd client certificate",
    scope: "cluster",
    caId: CERT_IDS.etcdCa,
    profile: CLIENT,
    subject: { CN: "kube-apiserver-etcd-client", O: null },
    hosts: () => [],
  },
  {
    id: CERT_IDS.frontProxyClient,
    longName: "front-proxy (aggregation layer) client certificate",
    scope: "cluster",
    caId: FRONT_PROXY_CA_ID,
    profile: CLIENT,
    subject: { CN: FRONT_PROXY_CLIENT_CN },
    hosts: () => [],
  },
  {
    id: CERT_IDS.healthcheckClient,
    longName: "kube-apiserver health-check client certificate (/readyz, /livez)",
    scope: "cluster",
    caId: "ca",
    profile: CLIENT,
    subject: { CN: HEALTHCHECK_CN },
    hosts: () => [],
  },
];

/** HEALTH_PATHS: what the health-check identity may read (and nothing else). */
export const HEALTH_PATHS = ["/healthz", "/livez", "/readyz"] as const;

/** rbacObjects: the ClusterRole and ClusterRoleBindings the apiserver's client identities need, applied once from the admin
 *  host: the kubelet client bound to system:kubelet-api-admin (the guide's binding, chapter 06-4, for kubeadm's CN), and the
 *  health-check user allowed `get` on the health endpoints only (nonResourceURLs with and without sub-paths:
 *  /readyz/etcd and the like). */
export function rbacObjects(): object[] {
  const rbac = "rbac.authorization.k8s.io/v1";
  const labels = { "app.kubernetes.io/managed-by": "kubebundle" };
  const user = (name: string) => [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name }];
  const role = "kubebundle:apiserver-healthcheck";
  return [
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "kubebundle:apiserver-kubelet-client", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:kubelet-api-admin" },
      subjects: user(KUBELET_CLIENT_CN),
    },
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: role, labels },
      rules: [{ nonResourceURLs: HEALTH_PATHS.flatMap((p) => [p, `${p}/*`]), verbs: ["get"] }],
    },
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: role, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
      subjects: user(HEALTHCHECK_CN),
    },
  ];
}
