// kube-controller-manager, chapter 05-3 of the guide: its files on a node, its flag table, what its checks read.
import type { Component, LeaderElection } from "../component.js";
import { KNOWN_FLAGS } from "./known-flags.js";
import { KCM, KCM_BUILTIN } from "./flags.js";
import { RESOURCE_LOCKS } from "../leader-election.js";
import { KCM_FILES, KCM_ID, KCM_USER } from "./files.js";
import { usesLeaseLock } from "../release.js";
import { parseGoDurationNs } from "../../spec/duration.js";
import type { Cluster } from "../../spec/cluster.js";


/** seconds: a Go duration rounded up to whole seconds ("1ns" waits a second, "0.1m" no more than 6). */
function seconds(flag: string, text: string): number {
  const ns = parseGoDurationNs(text);
  if (ns === null || ns <= 0n) throw new Error(`--${flag}=${text} is not a positive Go duration`);
  return Number((ns + 999_999_999n) / 1_000_000_000n);
}

/** leader: --leader-elect-lease-duration and --leader-elect-retry-period from extraArgs, else the built-in 15s and 2s; the
 *  lock --leader-elect-resource-lock names (a hybrid keeps the leader in its Lease too), else the release's default; for a
 *  ConfigMap lock (which the spec check warns about), the release's default object. */
function leader(c: Cluster): LeaderElection {
  const extra = c.spec.controllerManager.extraArgs ?? {};
  const lease = "leader-elect-lease-duration";
  const retry = "leader-elect-retry-period";
  const given = extra["leader-elect-resource-lock"];
  return {
    lock: (typeof given === "string" ? RESOURCE_LOCKS[given] : null) ?? (usesLeaseLock(c.version) ? "lease" : "endpoints"),
    leaseDurationSeconds: seconds(lease, extra[lease] ?? KCM_BUILTIN[lease]),
    retryPeriodSeconds: seconds(retry, extra[retry] ?? KCM_BUILTIN[retry]),
  };
}

export const kubeControllerManager = {
  id: KCM_ID,
  binary: "kube-controller-manager",
  section: "controllerManager",
  unit: { description: "Kubernetes Controller Manager", documentation: "https://github.com/GoogleCloudPlatform/kubernetes" },
  certs: [
    {
      id: KCM_ID,
      longName: "kube-controller-manager client and serving certificate",
      scope: "node",
      caId: "ca",
      profile: ["signing", "key encipherment", "server auth", "client auth"],
      subject: { CN: KCM_USER, O: KCM_USER },
      hosts: (_c, node) => ["127.0.0.1", ...(node ? [node.ip] : [])],
    },
  ],
  files: KCM_FILES,
  knownFlags: KNOWN_FLAGS,
  flags: KCM,
  builtin: { "secure-port": KCM_BUILTIN["secure-port"], "bind-address": KCM_BUILTIN["bind-address"], port: "10252" },
  leaderElectionFlags: {
    "leader-elect-lease-duration": KCM_BUILTIN["leader-elect-lease-duration"],
    "leader-elect-renew-deadline": KCM_BUILTIN["leader-elect-renew-deadline"],
    "leader-elect-retry-period": KCM_BUILTIN["leader-elect-retry-period"],
  },
  // /healthz is on the always-allowed paths of the delegated authorizer: no client certificate needed.
  rollout: { allAtOnceOnNewCluster: false, gate: { kind: "https", path: "/healthz", ca: "ca-cert" } },
  verifyFiles: { ca: "ca-cert", cert: "kcm-cert", key: "kcm-key", kubeconfig: "kcm-kubeconfig" },
  leader,
} as const satisfies Component;
