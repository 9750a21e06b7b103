// The kube-apiserver flag table: every flag of the guide's unit (chapter 05-2) by release, and the flags that must be
// refused (shared/reference/control-plane-by-version.md, section 2.2; the dates there checked in kubernetes/apiserver's
// per-tag source where the flag lives in that library).
import { KLOG_ROWS, REQUEST_HEADER_ROWS, fileFlag, fixed } from "../common-flags.js";
import { compareMinor } from "../release.js";
import type { FlagContext, FlagRow, FlagTable, ValueRule } from "../flag-table.js";
import type { Cluster } from "../../spec/cluster.js";
import { APISERVER_FILES, auditLogPath, auditPolicyPath, encryptionConfigPath } from "./files.js";
import { serviceAccountFiles } from "../shared-files.js";

const file = (id: string) => fileFlag(APISERVER_FILES, id);

/** ETCD_CLIENT_PORT: etcd's client port when the spec does not set `etcd.clientPort`. */
export const ETCD_CLIENT_PORT = 2379;

/** etcdClientPort: the spec's `etcd.clientPort`, else 2379 (read defensively: the field belongs to the etcd section). */
export function etcdClientPort(c: Cluster): number {
  const port = (c.spec as { etcd?: { clientPort?: unknown } }).etcd?.clientPort;
  return typeof port === "number" ? port : ETCD_CLIENT_PORT;
}

/** hostPort: `ip:port`, an IPv6 address in brackets. */
const hostPort = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);

/** etcdServers: --etcd-servers: every etcd member (every node) as `https://<ip>:<clientPort>`, in spec order. */
export function etcdServers(c: Cluster, clientPort: number = etcdClientPort(c)): string {
  return c.nodes.map((n) => `https://${hostPort(n.ip, clientPort)}`).join(",");
}

/** serviceAccountIssuer: the issuer kubeadm sets, `https://kubernetes.default.svc.<clusterDomain>`. */
export const serviceAccountIssuer = (c: Cluster) => `https://kubernetes.default.svc.${c.spec.clusterDomain}`;

const from = (minor: number) => (c: Cluster) => compareMinor(c.version, { major: 1, minor }) >= 0;
const audit = (c: Cluster) => c.spec.apiServer.audit;
const auditRow = (flag: string, value: (ctx: FlagContext) => string, more: Partial<FlagRow> = {}): FlagRow => ({ flag, value, when: audit, ...more });

const INSECURE_NOTE = "the insecure HTTP port is gone; only HTTPS via --secure-port remains";

/** APISERVER_FLAGS: the table, in the guide's order; flags are unique. */
export const APISERVER_FLAGS: readonly FlagRow[] = [
  { flag: "advertise-address", value: ({ node }) => node.ip },
  { flag: "default-not-ready-toleration-seconds", value: fixed("360") },
  { flag: "default-unreachable-toleration-seconds", value: fixed("360") },
  { flag: "max-mutating-requests-inflight", value: fixed("2000") },
  { flag: "max-requests-inflight", value: fixed("4000") },
  {
    flag: "default-watch-cache-size", value: fixed("200"), until: "1.24",
    note: "deprecated in 1.25: watch caches are sized automatically (a no-op in 1.37)",
  },
  { flag: "delete-collection-workers", value: fixed("2") },
  { flag: "encryption-provider-config", value: ({ cluster }) => encryptionConfigPath(cluster) },
  { flag: "experimental-encryption-provider-config", removedIn: "1.24", replacedBy: "encryption-provider-config" },
  { flag: "etcd-cafile", value: file("etcd-ca-cert") },
  { flag: "etcd-certfile", value: file("kas-etcd-client-cert") },
  { flag: "etcd-keyfile", value: file("kas-etcd-client-key") },
  { flag: "etcd-servers", value: ({ cluster }) => etcdServers(cluster) },
  { flag: "bind-address", value: ({ node }) => node.ip },
  { flag: "secure-port", value: ({ cluster }) => String(cluster.spec.apiServer.port) },
  { flag: "tls-cert-file", value: file("kas-cert") },
  { flag: "tls-private-key-file", value: file("kas-key") },
  // Up to 1.19 the flag must be there: without it 127.0.0.1:8080 serves every request unauthenticated. 1.20 removed
  // insecure serving (only 0 is accepted); 1.24 the flag.
  { flag: "insecure-port", value: fixed("0"), until: "1.19", removedIn: "1.24", note: INSECURE_NOTE },
  { flag: "insecure-bind-address", removedIn: "1.24", note: INSECURE_NOTE },
  { flag: "port", removedIn: "1.24", replacedBy: "secure-port", note: INSECURE_NOTE },
  // The guide's alpha dynamic audit: never by default; the flag and the DynamicAuditing gate left k8s.io/apiserver in 1.19.
  { flag: "audit-dynamic-configuration", bool: true, removedIn: "1.19", note: "dynamic audit (AuditSink) was removed; use --audit-webhook-config-file" },
  auditRow("audit-log-maxage", fixed("15")),
  auditRow("audit-log-maxbackup", fixed("3")),
  auditRow("audit-log-maxsize", fixed("100")),
  auditRow("audit-log-truncate-enabled", fixed("true"), { bool: true }),
  auditRow("audit-log-path", ({ cluster }) => auditLogPath(cluster)),
  auditRow("audit-policy-file", ({ cluster }) => auditPolicyPath(cluster)),
  { flag: "profiling", value: fixed("true"), bool: true },
  { flag: "anonymous-auth", value: fixed("false"), bool: true },
  { flag: "client-ca-file", value: file("ca-cert") },
  { flag: "enable-bootstrap-token-auth", value: fixed("true"), bool: true },
  // The front proxy's client certificate is issued by front-proxy-ca with the CN named there, and only that CN may assert
  // identities in X-Remote-* headers.
  ...REQUEST_HEADER_ROWS,
  { flag: "service-account-key-file", value: ({ cluster }) => serviceAccountFiles(cluster).pub },
  // Both exist before 1.20; 1.20 made them required (TokenRequest is always on), so they are set from 1.20.
  { flag: "service-account-signing-key-file", value: ({ cluster }) => serviceAccountFiles(cluster).key, when: from(20) },
  { flag: "service-account-issuer", value: ({ cluster }) => serviceAccountIssuer(cluster), when: from(20) },
  { flag: "authorization-mode", value: fixed("Node,RBAC") },
  // The guide's api/all=true switches every alpha API on: only when extraArgs asks for it.
  { flag: "runtime-config", note: "set it in apiServer.extraArgs, e.g. api/all=true (every API version, alpha ones too)" },
  { flag: "enable-admission-plugins", value: fixed("NodeRestriction") },
  { flag: "allow-privileged", value: fixed("true"), bool: true },
  {
    flag: "apiserver-count", value: fixed("3"), until: "1.23",
    note: "deprecated in 1.24 with the master-count endpoint reconciler; the lease reconciler (the default) needs no count",
  },
  { flag: "event-ttl", value: fixed("168h") },
  { flag: "kubelet-certificate-authority", value: file("ca-cert") },
  { flag: "kubelet-client-certificate", value: file("kas-kubelet-client-cert") },
  { flag: "kubelet-client-key", value: file("kas-kubelet-client-key") },
  { flag: "kubelet-https", value: fixed("true"), bool: true, until: "1.18", removedIn: "1.22", note: "connections to kubelets always use HTTPS" },
  { flag: "kubelet-timeout", value: fixed("10s") },
  { flag: "proxy-client-cert-file", value: file("kas-proxy-client-cert") },
  { flag: "proxy-client-key-file", value: file("kas-proxy-client-key") },
  { flag: "service-cluster-ip-range", value: ({ cluster }) => cluster.spec.serviceCIDR },
  { flag: "service-node-port-range", value: ({ cluster }) => cluster.spec.apiServer.serviceNodePortRange },
  { flag: "enable-swagger-ui", bool: true, removedIn: "1.24", note: "swagger 1.2 is gone; the OpenAPI documents are served at /openapi" },
  { flag: "target-ram-mb", removedIn: "1.24", note: "watch caches are sized automatically" },
  ...KLOG_ROWS,
  { flag: "v", value: fixed("2") },
];

/** REMOVED_GATES: feature gates of the guide's unit that a release no longer knows (the apiserver refuses to start with an
 *  unknown gate); checked item by item in --feature-gates (src/spec/apiserver-rules.ts). */
export const REMOVED_GATES: readonly { gate: string; removedIn: string; note: string }[] = [
  { gate: "DynamicAuditing", removedIn: "1.19", note: "dynamic audit (AuditSink) was removed; use --audit-webhook-config-file" },
];

/** APISERVER_VALUE_RULES: flag values the target release refuses. */
export const APISERVER_VALUE_RULES: readonly ValueRule[] = [
  // The bare group (`api/all` without a value) is refused by kube-apiserver ("invalid value api/all=").
  { flag: "runtime-config", values: ["api/all"], refusedIn: "1.16", use: "api/all=true", why: "a runtime-config key needs a value" },
];

/** APISERVER: the kube-apiserver flag table; `apiServer.extraArgs` overrides it. */
export const APISERVER: FlagTable = { section: "apiServer", flags: APISERVER_FLAGS, valueRules: APISERVER_VALUE_RULES };

/** APISERVER_BUILTIN: kube-apiserver's own defaults of the flags the checks read back. */
export const APISERVER_BUILTIN = { "secure-port": "6443", "bind-address": "0.0.0.0" } as const;
