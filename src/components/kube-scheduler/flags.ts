// The kube-scheduler flag table: the guide's unit (chapter 05-4) by release, and the flags that must be refused
// (shared/reference/control-plane-by-version.md, section 1.2). Everything else lives in its configuration file.
import type { FlagContext, FlagRow, FlagTable } from "../flag-table.js";
import { SHARED_FILES, fileRow } from "../layout.js";
import { SCHEDULER_FILES } from "./files.js";

function file(id: string): (ctx: FlagContext) => string {
  const row = fileRow([...SHARED_FILES, ...SCHEDULER_FILES], id);
  return ({ cluster }) => row.target(cluster);
}

const fixed = (v: string) => () => v;
const KLOG_NOTE = "klog's file and header flags are gone; logs go to stderr, which systemd's journal captures";
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
  { flag: "requestheader-allowed-names", value: fixed("aggregator") },
  { flag: "requestheader-client-ca-file", value: file("ca-cert") },
  { flag: "requestheader-extra-headers-prefix", value: fixed("X-Remote-Extra-") },
  { flag: "requestheader-group-headers", value: fixed("X-Remote-Group") },
  { flag: "requestheader-username-headers", value: fixed("X-Remote-User") },
  { flag: "authorization-kubeconfig", value: file("sched-kubeconfig") },
  { flag: "logtostderr", value: fixed("true"), bool: true, until: "1.22", removedIn: "1.26", note: KLOG_NOTE },
  ...["log-dir", "log-file", "log-file-max-size", "stderrthreshold", "log-backtrace-at"].map((flag): FlagRow => ({ flag, removedIn: "1.26", note: KLOG_NOTE })),
  ...["alsologtostderr", "skip-headers", "skip-log-headers", "add-dir-header"].map((flag): FlagRow => ({ flag, bool: true, removedIn: "1.26", note: KLOG_NOTE })),
  { flag: "one-output", bool: true, since: "1.20", removedIn: "1.26", note: KLOG_NOTE },
  ...["policy-config-file", "policy-configmap", "policy-configmap-namespace"].map((flag): FlagRow => ({ flag, removedIn: "1.23", note: CONFIG_NOTE })),
  { flag: "use-legacy-policy-config", bool: true, removedIn: "1.23", note: CONFIG_NOTE },
  ...["algorithm-provider", "hard-pod-affinity-symmetric-weight", "scheduler-name"].map((flag): FlagRow => ({ flag, removedIn: "1.22", note: CONFIG_NOTE })),
  ...["lock-object-name", "lock-object-namespace"].map((flag): FlagRow => ({ flag, removedIn: "1.28", note: "the leader-election lock is set in the configuration's leaderElection" })),
  { flag: "v", value: fixed("2") },
];

/** SCHEDULER: the kube-scheduler flag table; `scheduler.extraArgs` overrides it. */
export const SCHEDULER: FlagTable = { section: "scheduler", flags: SCHEDULER_FLAGS, valueRules: [] };
