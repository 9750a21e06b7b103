// kube-scheduler's files on a node, one row each.
import path from "node:path";
import type { FileRow } from "../component.js";
import { unitPath, workingDir } from "../layout.js";
import { configPath, kubeconfigPath, schedulerConfig } from "./config.js";
import { FRONT_PROXY_CA_FILE } from "../shared-files.js";

export const SCHEDULER_ID = "kube-scheduler";

/** SCHEDULER_USER: the user and context name of its kubeconfig, as the guide writes them. */
export const SCHEDULER_USER = "system:kube-scheduler";


/** SCHEDULER_FILES: in the order the guide creates them, and the front-proxy CA its --requestheader-client-ca-file names. */
export const SCHEDULER_FILES: readonly FileRow[] = [
  { id: "sched-cert", kind: "cert", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-scheduler.pem"), content: { from: "pem", cert: SCHEDULER_ID, part: "cert" } },
  { id: "sched-key", kind: "key", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-scheduler-key.pem"), content: { from: "pem", cert: SCHEDULER_ID, part: "key" } },
  { id: "sched-kubeconfig", kind: "kubeconfig", target: kubeconfigPath, content: { from: "kubeconfig", cert: SCHEDULER_ID, user: SCHEDULER_USER } },
  { id: "sched-config", kind: "config", target: configPath, content: { from: "yaml", build: schedulerConfig } },
  FRONT_PROXY_CA_FILE,
  { id: "sched-unit", kind: "unit", target: () => unitPath(SCHEDULER_ID), content: { from: "unit" } },
  { id: "sched-verify", kind: "script", target: (c) => path.posix.join(workingDir(c, SCHEDULER_ID), "verify.sh"), content: { from: "verify" } },
];
