// The kube-scheduler flag table: the guide's unit (chapter 05-4) by release, and the flags that must be refused
// (shared/reference/control-plane-by-version.md, section 1.2). Everything else lives in its configuration file.
import type { FlagRow, FlagTable } from "../flag-table.js";
import { KLOG_ROWS, fileFlag, fixed, REQUEST_HEADER_ROWS } from "../common-flags.js";
import { SCHEDULER_FILES } from "./files.js";

const file = (id: string) => fileFlag(SCHEDULER_FILES, id);

const CONFIG_NOTE = "set it in the KubeSchedulerConfiguration kubebundle writes (profiles and their plugins)";

/** SCHEDULER_FLAGS: the table, in the guide's order; flags are unique. */
export const SCHEDULER_FLAGS: readonly FlagRow[] = [
  { flag: "config", value: file("sched-config") },
  { flag: "bind-address", value: ({ node }) => node.ip },
  { flag: "secure-port", value: ({ cluster }) => String(cluster.spec.scheduler.securePort) },
  { flag: "port", value: fixed("0"), until: "1.22", removedIn: "1.24", note: "only HTTPS via --secure-port remains" },
  { flag: "address", removedIn: "1.24", replacedBy: "bind-address", note: "listen IP of the removed plain-HTTP port" },
  { flag: "tls-cert-file", value: file("sched-cert") },
  { flag: "tls-private-key-file", value: file("sched-key") },
  { flag: "authentication-kubeconfig", value: file("sched-kubeconfig") },
  { flag: "client-ca-file", value: file("ca-cert") },
  // The guide's --requestheader-allowed-names="" would name the two-character string "" (or, unquoted, any client of the
  // CA); the front proxy's CN, as kube-controller-manager's unit has it.
  ...REQUEST_HEADER_ROWS,
  { flag: "authorization-kubeconfig", value: file("sched-kubeconfig") },
  ...KLOG_ROWS,
  ...["policy-config-file", "policy-configmap", "policy-configmap-namespace"].map((flag): FlagRow => ({ flag, removedIn: "1.23", note: CONFIG_NOTE })),
  { flag: "use-legacy-policy-config", bool: true, removedIn: "1.23", note: CONFIG_NOTE },
  ...["algorithm-provider", "hard-pod-affinity-symmetric-weight", "scheduler-name"].map((flag): FlagRow => ({ flag, removedIn: "1.22", note: CONFIG_NOTE })),
  ...["lock-object-name", "lock-object-namespace"].map((flag): FlagRow => ({ flag, removedIn: "1.28", note: "the leader-election lock is set in the configuration's leaderElection" })),
  { flag: "v", value: fixed("2") },
];

/** SCHEDULER: the kube-scheduler flag table; `scheduler.extraArgs` overrides it. */
export const SCHEDULER: FlagTable = { section: "scheduler", flags: SCHEDULER_FLAGS, valueRules: [] };
