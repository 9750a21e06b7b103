// The kube-controller-manager flag table: every flag of the guide's unit and every flag that must be
// refused, with the releases it exists in (shared/reference/kcm-flags-by-version.md, one row each).
import { KLOG_ROWS, fileFlag, fixed, REQUEST_HEADER_ROWS } from "../common-flags.js";
import { KCM_FILES } from "./files.js";
import { serviceAccountFiles } from "../shared-files.js";
import type { FlagRow, FlagTable, ValueRule } from "../flag-table.js";

const file = (id: string) => fileFlag(KCM_FILES, id);

const SIGNERS = ["kubelet-serving", "kubelet-client", "kube-apiserver-client-kubelet", "kube-apiserver-client", "legacy-unknown"];
const perSigner = (part: "cert" | "key") => ({
  flags: SIGNERS.map((s) => `cluster-signing-${s}-${part}-file`),
  why: "kube-controller-manager refuses the cluster-wide signing files together with per-signer ones",
});

/** KCM_FLAGS: the table, in the guide's order; flags are unique. */
export const KCM_FLAGS: readonly FlagRow[] = [
  { flag: "profiling", value: fixed("true"), bool: true },
  { flag: "cluster-name", value: ({ cluster }) => cluster.spec.clusterName },
  { flag: "controllers", value: fixed("*,bootstrapsigner,tokencleaner") },
  { flag: "kube-api-qps", value: fixed("1000") },
  { flag: "kube-api-burst", value: fixed("2000") },
  { flag: "leader-elect", value: fixed("true"), bool: true },
  { flag: "use-service-account-credentials", value: fixed("true"), bool: true },
  {
    flag: "concurrent-service-syncs", value: fixed("2"), until: "1.30", removedIn: "1.37",
    note: "it has done nothing since 1.31: the cloud LoadBalancer service controller lives in cloud-controller-manager",
  },
  { flag: "bind-address", value: ({ node }) => node.ip },
  { flag: "secure-port", value: ({ cluster }) => String(cluster.spec.controllerManager.securePort) },
  { flag: "tls-cert-file", value: file("kcm-cert") },
  { flag: "tls-private-key-file", value: file("kcm-key") },
  {
    flag: "port", value: fixed("0"), until: "1.21", removedIn: "1.24",
    note: "only HTTPS via --secure-port remains",
  },
  { flag: "address", removedIn: "1.24", replacedBy: "bind-address", note: "listen IP of the removed plain-HTTP port" },
  { flag: "authentication-kubeconfig", value: file("kcm-kubeconfig") },
  { flag: "client-ca-file", value: file("ca-cert") },
  ...REQUEST_HEADER_ROWS,
  { flag: "authorization-kubeconfig", value: file("kcm-kubeconfig") },
  { flag: "cluster-signing-cert-file", value: file("ca-cert"), neverWith: perSigner("cert") },
  { flag: "cluster-signing-key-file", value: file("ca-key"), neverWith: perSigner("key") },
  {
    flag: "experimental-cluster-signing-duration", value: ({ cluster }) => cluster.expiry.text, until: "1.18", removedIn: "1.25",
    replacedBy: "cluster-signing-duration",
    neverWith: { flags: ["cluster-signing-duration"], why: "both set the lifetime of certificates signed from CSRs; set only --cluster-signing-duration" },
  },
  { flag: "cluster-signing-duration", value: ({ cluster }) => cluster.expiry.text, since: "1.19" },
  { flag: "horizontal-pod-autoscaler-sync-period", value: fixed("10s") },
  { flag: "horizontal-pod-autoscaler-use-rest-clients", removedIn: "1.22", note: "the autoscaler always uses the metrics APIs" },
  { flag: "concurrent-deployment-syncs", value: fixed("10") },
  { flag: "concurrent-gc-syncs", value: fixed("30") },
  { flag: "node-cidr-mask-size", value: fixed("24"), note: "no effect unless --allocate-node-cidrs=true and --cluster-cidr are set" },
  { flag: "service-cluster-ip-range", value: ({ cluster }) => cluster.spec.serviceCIDR },
  {
    flag: "pod-eviction-timeout", value: fixed("6m"), until: "1.25", removedIn: "1.27",
    note: "use kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds, or per-pod tolerations",
  },
  { flag: "terminated-pod-gc-threshold", value: fixed("10000") },
  { flag: "root-ca-file", value: file("ca-cert") },
  // sa.key (kube-apiserver verifies with sa.pub) with `separate` trust, the CA key with `single`, as the guide.
  { flag: "service-account-private-key-file", value: ({ cluster }) => serviceAccountFiles(cluster).key },
  { flag: "kubeconfig", value: file("kcm-kubeconfig") },
  ...KLOG_ROWS,
  { flag: "v", value: fixed("2") },
];

/** KCM_VALUE_RULES: flag values the target release refuses (reference row of --leader-elect-resource-lock). */
export const KCM_VALUE_RULES: readonly ValueRule[] = [
  {
    flag: "leader-elect-resource-lock", values: ["endpointsleases", "configmapsleases"], since: "1.17", use: "leases",
    why: "the hybrid locks came with client-go 1.17",
  },
  {
    flag: "leader-elect-resource-lock", values: ["endpoints", "configmaps"], refusedIn: "1.24", use: "leases",
    why: "client-go no longer has Endpoints or ConfigMap locks",
  },
  {
    flag: "leader-elect-resource-lock", values: ["endpointsleases", "configmapsleases"], refusedIn: "1.27", use: "leases",
    why: "kube-controller-manager takes only Lease locks",
  },
];

/** KCM: the kube-controller-manager flag table; `controllerManager.extraArgs` overrides it. */
export const KCM: FlagTable = { section: "controllerManager", flags: KCM_FLAGS, valueRules: KCM_VALUE_RULES };

/** KCM_BUILTIN: kube-controller-manager's own defaults, in force when a flag is not on its command line. */
export const KCM_BUILTIN = {
  "secure-port": "10257",
  "bind-address": "0.0.0.0",
  "leader-elect-lease-duration": "15s",
  "leader-elect-renew-deadline": "10s",
  "leader-elect-retry-period": "2s",
} as const;
