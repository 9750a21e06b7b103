// The final kube-controller-manager command line of one node: table defaults merged with extraArgs.
import { isEmittedIn, KCM_FLAGS } from "./kcm-flags.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** Flag: one `--name=value` argument (name without `--`). */
export interface Flag {
  name: string;
  value: string;
}

/** byName: plain code-unit order, the same on every machine and locale. */
const byName = (a: Flag, b: Flag) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** kcmFlags: the release's default flags, then extraArgs (a value adds or replaces, null removes), sorted by name. */
export function kcmFlags(cluster: Cluster, node: ClusterNode): Flag[] {
  const flags = new Map<string, string>();
  for (const row of KCM_FLAGS) {
    if (isEmittedIn(row, cluster.version)) flags.set(row.flag, row.value!({ cluster, node }));
  }
  for (const [name, value] of Object.entries(cluster.spec.controllerManager.extraArgs ?? {})) {
    if (value === null) flags.delete(name);
    else flags.set(name, value);
  }
  return [...flags].map(([name, value]) => ({ name, value })).sort(byName);
}
