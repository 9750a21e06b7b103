// kube-controller-manager's row of the registry as the tests of one component's files read it.
import { kubeControllerManager } from "../../src/components/kube-controller-manager/index.js";
import { nodeFiles } from "../../src/components/registry.js";
import { workingDir as componentDir, type HasPaths } from "../../src/components/layout.js";
import { componentFlags, servingOf as componentServing } from "../../src/render/flags.js";
import type { Cluster, ClusterNode } from "../../src/spec/cluster.js";

export const KCM = kubeControllerManager;
/** LAYOUT: every file of a node that generates kube-controller-manager only (the shared CA files first). */
export const LAYOUT = nodeFiles([KCM]);
export const UNIT_NAME = "kube-controller-manager.service";
export const workingDir = (c: HasPaths) => componentDir(c, KCM.id);
export const kcmFlags = (c: Cluster, n: ClusterNode) => componentFlags(KCM, c, n);
export const servingOf = (c: Cluster, n: ClusterNode) => componentServing(KCM, c, n);
export const leaderElectionOf = (c: Cluster) => {
  const { lock: _lock, ...timing } = KCM.leader(c);
  return timing;
};

/** kcmId: the id of a node's kube-controller-manager certificate (one per node). */
export const kcmId = (node: string) => `kube-controller-manager@${node}`;
/** firstKcm: the first node's kube-controller-manager certificate of a pki result's `certs`. */
export function firstKcm<T>(certs: Record<string, T>): T {
  const id = Object.keys(certs).find((k) => k.startsWith("kube-controller-manager@"));
  if (!id) throw new Error("no kube-controller-manager certificate");
  return certs[id]!;
}
