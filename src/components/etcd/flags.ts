// The etcd flag table by etcd release (chapter 04 of the guide; shared/reference/control-plane-by-version.md, section
// 3.2): the guide's flags, --logger=zap on 3.4, and the flags each release refuses. Releases here are etcd's ("3.5").
import { fileFlag, fixed } from "../common-flags.js";
import type { FlagContext, FlagRow, FlagTable, ValueRule } from "../flag-table.js";
import { parseVersion } from "../release.js";
import { etcdVersionOf } from "./release.js";
import { ETCD_FILES } from "./files.js";
import type { ClusterNode } from "../../spec/cluster.js";
import { PATTERNS } from "../../spec/schema.js";

const file = (id: string) => fileFlag(ETCD_FILES, id);

/** urlHost: an IP as a URL host (IPv6 in brackets). */
const urlHost = (n: Pick<ClusterNode, "ip" | "family">) => (n.family === "ipv6" ? `[${n.ip}]` : n.ip);

/** peerUrl, clientUrl: a node's etcd URLs. */
export const peerUrl = (ctx: Pick<FlagContext, "cluster">, n: Pick<ClusterNode, "ip" | "family">) => `https://${urlHost(n)}:${ctx.cluster.spec.etcd.peerPort}`;
export const clientUrl = (ctx: Pick<FlagContext, "cluster">, n: Pick<ClusterNode, "ip" | "family">) => `https://${urlHost(n)}:${ctx.cluster.spec.etcd.clientPort}`;

const V2 = "Kubernetes uses etcd's v3 API only; the v2 API and its proxy are gone";
const LOG = "use --log-level (debug, info, warn, error)";

/** ETCD_FLAGS: the table, in the guide's order; flags are unique. */
export const ETCD_FLAGS: readonly FlagRow[] = [
  { flag: "name", value: ({ node }) => node.name },
  { flag: "data-dir", value: ({ cluster }) => cluster.spec.etcd.dataDir },
  { flag: "wal-dir", value: ({ cluster }) => cluster.spec.etcd.walDir },
  { flag: "cert-file", value: file("etcd-server-cert") },
  { flag: "key-file", value: file("etcd-server-key") },
  { flag: "trusted-ca-file", value: file("etcd-ca-cert") },
  { flag: "peer-cert-file", value: file("etcd-peer-cert") },
  { flag: "peer-key-file", value: file("etcd-peer-key") },
  { flag: "peer-trusted-ca-file", value: file("etcd-ca-cert") },
  { flag: "peer-client-cert-auth", value: fixed("true"), bool: true },
  { flag: "client-cert-auth", value: fixed("true"), bool: true },
  { flag: "listen-peer-urls", value: (ctx) => peerUrl(ctx, ctx.node) },
  { flag: "initial-advertise-peer-urls", value: (ctx) => peerUrl(ctx, ctx.node) },
  // The guide adds http://127.0.0.1:2379, a plain listener that bypasses --client-cert-auth: HTTPS on loopback instead.
  { flag: "listen-client-urls", value: (ctx) => `${clientUrl(ctx, ctx.node)},https://127.0.0.1:${ctx.cluster.spec.etcd.clientPort}` },
  { flag: "advertise-client-urls", value: (ctx) => clientUrl(ctx, ctx.node) },
  { flag: "initial-cluster-token", value: fixed("etcd-cluster-0") },
  { flag: "initial-cluster", value: (ctx) => ctx.cluster.nodes.map((n) => `${n.name}=${peerUrl(ctx, n)}`).join(",") },
  // Read on a member's first start only: etcd ignores it once the data dir holds a member (see README).
  { flag: "initial-cluster-state", value: fixed("new") },
  { flag: "auto-compaction-mode", value: fixed("periodic") },
  { flag: "auto-compaction-retention", value: fixed("1") },
  { flag: "max-request-bytes", value: fixed("33554432") },
  { flag: "quota-backend-bytes", value: fixed("6442450944") },
  { flag: "heartbeat-interval", value: fixed("250") },
  { flag: "election-timeout", value: fixed("2000") },
  // 3.4 logs through capnslog unless told (and warns that capnslog goes in 3.5); zap is the default from 3.5.
  { flag: "logger", value: fixed("zap"), until: "3.4" },
  { flag: "log-level" },
  { flag: "debug", bool: true, removedIn: "3.5", note: LOG },
  { flag: "log-package-levels", removedIn: "3.5", note: LOG },
  { flag: "enable-v2", bool: true, removedIn: "3.6", note: V2 },
  { flag: "experimental-enable-v2v3", removedIn: "3.6", note: V2 },
  ...["proxy", "proxy-failure-wait", "proxy-refresh-interval", "proxy-dial-timeout", "proxy-write-timeout", "proxy-read-timeout"].map((flag): FlagRow => ({ flag, removedIn: "3.6", note: V2 })),
  { flag: "feature-gates", since: "3.6" },
  {
    flag: "experimental-initial-corrupt-check", bool: true, until: "3.5", removedIn: "3.7",
    note: "3.6 turns it into a feature gate: use --feature-gates=InitialCorruptCheck=true",
  },
  {
    flag: "experimental-compact-hash-check-enabled", bool: true, until: "3.5", removedIn: "3.7",
    note: "3.6 turns it into a feature gate: use --feature-gates=CompactHashCheck=true",
  },
  { flag: "force-new-cluster", bool: true, note: "never set by kubebundle: it rewrites the membership of the cluster" },
];

/** ETCD_VALUE_RULES: values a release refuses. */
export const ETCD_VALUE_RULES: readonly ValueRule[] = [
  { flag: "logger", values: ["capnslog"], refusedIn: "3.5", use: "zap", why: "etcd 3.5 removed the capnslog logger" },
  {
    flag: "force-new-cluster", values: ["1", "t", "T", "true", "TRUE", "True"], refusedIn: "3.4", use: "false",
    why: "kubebundle never passes it: it rewrites the cluster's membership to this one member on every start of the unit",
  },
];

/** ETCD: the etcd flag table, by etcd release; `etcd.extraArgs` overrides it. */
export const ETCD: FlagTable = {
  section: "etcd",
  flags: ETCD_FLAGS,
  valueRules: ETCD_VALUE_RULES,
  release: {
    product: "etcd",
    of: (c) => c.etcdVersion,
    ofSpec: (spec) => {
      const etcd = spec.etcd as { version?: unknown } | undefined;
      const kube = typeof spec.kubernetesVersion === "string" ? parseVersion(spec.kubernetesVersion) : null;
      const given = etcd && typeof etcd === "object" ? etcd.version : undefined;
      if (given !== undefined && (typeof given !== "string" || !new RegExp(PATTERNS.etcdVersion).test(given))) return null;
      return kube ? etcdVersionOf(given as string | undefined, kube) : null;
    },
  },
};
