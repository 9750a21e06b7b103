// The final kube-controller-manager command line of one node: table defaults merged with extraArgs,
// and the values in force once it runs (serving address and port, leader-election timing).
import { KCM, KCM_BUILTIN, RESOURCE_LOCKS } from "../components/kube-controller-manager/flags.js";
import { defaultFlags } from "../components/flag-table.js";
import { parseIp, parsePort } from "../spec/ip.js";
import { parseGoDurationNs } from "../spec/duration.js";
import { usesLeaseLock } from "../components/release.js";
import { byteOrder } from "../paths.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** Flag: one `--name=value` argument (name without `--`). */
export interface Flag {
  name: string;
  value: string;
}

/** byName: plain code-unit order, the same on every machine and locale. */
const byName = (a: Flag, b: Flag) => byteOrder(a.name, b.name);

/** kcmFlags: the release's default flags, then extraArgs (a value adds or replaces, null removes), sorted by name. */
export function kcmFlags(cluster: Cluster, node: ClusterNode): Flag[] {
  const flags = defaultFlags(KCM, { cluster, node });
  for (const [name, value] of Object.entries(cluster.spec.controllerManager.extraArgs ?? {})) {
    if (value === null) flags.delete(name);
    else flags.set(name, value);
  }
  return [...flags].map(([name, value]) => ({ name, value })).sort(byName);
}

// --- effective values ---

/** finalValue: a flag's value on the node's command line, else kube-controller-manager's built-in default. */
function finalValue(flags: Flag[], name: keyof typeof KCM_BUILTIN): string {
  return flags.find((f) => f.name === name)?.value ?? KCM_BUILTIN[name];
}

/** Serving: where kube-controller-manager answers /healthz on a node. */
export interface Serving {
  /** The address to check: --bind-address, or the node's IP when it binds every address (0.0.0.0, ::). */
  host: string;
  /** --secure-port. */
  port: number;
}

/** servingOf: host and port from the node's final flag list; throws on a value the loader refuses. */
export function servingOf(cluster: Cluster, node: ClusterNode): Serving {
  const flags = kcmFlags(cluster, node);
  const portText = finalValue(flags, "secure-port");
  const port = parsePort(portText);
  if (port === null) throw new Error(`--secure-port=${portText} is not a port 1-65535`);
  const bindText = finalValue(flags, "bind-address");
  const bind = parseIp(bindText);
  if (!bind) throw new Error(`--bind-address=${bindText} is not an IP address`);
  return { host: bind.range === "unspecified" ? node.ip : bind.text, port };
}

/** LeaderElection: the leader-election timing in whole seconds, each rounded up. */
export interface LeaderElection {
  leaseDurationSeconds: number;
  retryPeriodSeconds: number;
}

/** leaderElectionOf: --leader-elect-lease-duration and --leader-elect-retry-period from extraArgs, else the built-in 15s and 2s. */
export function leaderElectionOf(cluster: Cluster): LeaderElection {
  const extra = cluster.spec.controllerManager.extraArgs ?? {};
  const seconds = (name: "leader-elect-lease-duration" | "leader-elect-retry-period"): number => {
    const text = extra[name] ?? KCM_BUILTIN[name];
    const ns = parseGoDurationNs(text);
    if (ns === null || ns <= 0n) throw new Error(`--${name}=${text} is not a positive Go duration`);
    // Rounded up in whole nanoseconds: "1ns" waits a second, "0.1m" (exactly 6 s) no more than 6.
    return Number((ns + 999_999_999n) / 1_000_000_000n);
  };
  return { leaseDurationSeconds: seconds("leader-elect-lease-duration"), retryPeriodSeconds: seconds("leader-elect-retry-period") };
}

/** leaderLockOf: where check-ha.sh reads the leader: --leader-elect-resource-lock from extraArgs, else the release's default;
 *  for a ConfigMap lock (which the spec check warns about), the release's default object. */
export function leaderLockOf(cluster: Cluster): "lease" | "endpoints" {
  const given = cluster.spec.controllerManager.extraArgs?.["leader-elect-resource-lock"];
  return (typeof given === "string" ? RESOURCE_LOCKS[given] : null) ?? (usesLeaseLock(cluster.version) ? "lease" : "endpoints");
}
