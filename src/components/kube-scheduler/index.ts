// kube-scheduler, chapter 05-4 of the guide: its files on a node (a KubeSchedulerConfiguration by release), its flag
// table, what its checks read. Leader election is set in its configuration file, with client-go's defaults.
import type { Component } from "../component.js";
import { KNOWN_FLAGS } from "./known-flags.js";
import { usesLeaseLock } from "../release.js";
import { SCHEDULER } from "./flags.js";
import { SCHEDULER_FILES, SCHEDULER_ID, SCHEDULER_USER } from "./files.js";

export const kubeScheduler = {
  id: SCHEDULER_ID,
  binary: "kube-scheduler",
  section: "scheduler",
  unit: { description: "Kubernetes Scheduler", documentation: "https://github.com/GoogleCloudPlatform/kubernetes" },
  certs: [
    {
      id: SCHEDULER_ID,
      longName: "kube-scheduler client and serving certificate",
      scope: "node",
      caId: "ca",
      profile: ["signing", "key encipherment", "server auth", "client auth"],
      subject: { CN: SCHEDULER_USER, O: SCHEDULER_USER },
      hosts: (_c, node) => ["127.0.0.1", ...(node ? [node.ip] : [])],
    },
  ],
  files: SCHEDULER_FILES,
  knownFlags: KNOWN_FLAGS,
  flags: SCHEDULER,
  builtin: { "secure-port": "10259", "bind-address": "0.0.0.0", port: "10251" },
  // /healthz is on the always-allowed paths of the delegated authorizer: no client certificate needed.
  rollout: { allAtOnceOnNewCluster: false, gate: { kind: "https", path: "/healthz", ca: "ca-cert" } },
  verifyFiles: { ca: "ca-cert", cert: "sched-cert", key: "sched-key", kubeconfig: "sched-kubeconfig" },
  // The configuration's leaderElection keeps client-go's defaults: a 15 s lease, a 2 s retry period; the lock is an Endpoints
  // annotation on 1.16, a Lease (or the endpointsleases hybrid, which keeps it in a Lease too) from 1.17.
  leader: (c) => ({ lock: usesLeaseLock(c.version) ? "lease" : "endpoints", leaseDurationSeconds: 15, retryPeriodSeconds: 2 }),
} as const satisfies Component;
