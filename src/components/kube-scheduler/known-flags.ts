// Every flag name kube-scheduler 1.16-1.37 is known to accept, with the releases where that is dated.
// The scheduler's own options (cmd/kube-scheduler/app/options) are read as vendored by kubernetes-sigs and
// openshift-kni scheduler-plugins for Kubernetes 1.21.4-1.35.4 and from stored 1.18-1.20 copies; the 1.23 and 1.24
// removals of the insecure flags are also in the 1.23/1.24 notes (#96345, #106865); the generic flags are dated in
// ../known-flags.ts.
import { COMMON_KNOWN_FLAGS, type KnownFlag } from "../known-flags.js";

/** SCHEDULER_KNOWN_FLAGS: the scheduler's own flags (misc and deprecated sets, the old insecure listener). */
const SCHEDULER_KNOWN_FLAGS: readonly KnownFlag[] = [
  // misc
  { flag: "config" },
  { flag: "master" },
  { flag: "write-config-to" },
  // deprecated, ignored when --config is given
  { flag: "contention-profiling" },
  { flag: "kube-api-burst" },
  { flag: "kube-api-content-type" },
  { flag: "kube-api-qps" },
  { flag: "kubeconfig" },
  { flag: "lock-object-name", removedIn: "1.28" },
  { flag: "lock-object-namespace", removedIn: "1.28" },
  { flag: "pod-max-in-unschedulable-pods-duration", since: "1.24" },
  { flag: "profiling" },
  // the legacy Policy API and the pre-profile settings
  { flag: "algorithm-provider", removedIn: "1.22" },
  { flag: "hard-pod-affinity-symmetric-weight", removedIn: "1.22" },
  { flag: "policy-config-file", removedIn: "1.23" },
  { flag: "policy-configmap", removedIn: "1.23" },
  { flag: "policy-configmap-namespace", removedIn: "1.23" },
  { flag: "scheduler-name", removedIn: "1.22" },
  { flag: "use-legacy-policy-config", removedIn: "1.23" },
  // the old plain-HTTP listener (no effect in 1.23, where --port accepts only 0)
  { flag: "address", removedIn: "1.24" },
  { flag: "port", removedIn: "1.24" },
];

/** KNOWN_FLAGS: every flag name kube-scheduler is known to accept, generic ones first; names are unique. */
export const KNOWN_FLAGS: readonly KnownFlag[] = [...COMMON_KNOWN_FLAGS, ...SCHEDULER_KNOWN_FLAGS];
