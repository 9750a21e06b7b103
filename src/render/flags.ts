// The final kube-controller-manager command line of one node: table defaults merged with extraArgs,
// and the values in force once it runs (serving address and port, leader-election timing).
import { KCM_FLAGS } from "./kcm-flags.js";
import { isEmittedIn } from "./flag-release.js";
import { parseIp } from "../spec/ip.js";
import { usesLeaseLock } from "../plan/contract.js";
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

// --- effective values ---

/** KCM_BUILTIN: kube-controller-manager's own defaults, in force when a flag is not on its command line. */
export const KCM_BUILTIN = {
  "secure-port": "10257",
  "bind-address": "0.0.0.0",
  "leader-elect-lease-duration": "15s",
  "leader-elect-renew-deadline": "10s",
  "leader-elect-retry-period": "2s",
} as const;

/** LEADER_ELECTION_FLAGS: the leader-election durations an extraArgs entry may override. */
export const LEADER_ELECTION_FLAGS = ["leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period"] as const;

/** parsePort: a decimal TCP port 1-65535 without sign or leading zero ("10257"); null for anything else. */
export function parsePort(text: string): number | null {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

const GO_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "\u00b5s": 1e-3, "\u03bcs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** parseGoDuration: a Go duration as time.ParseDuration reads it ("15s", "1m", "1m30s", "1.5s", "500ms") in milliseconds; null when it does not parse. */
export function parseGoDuration(text: string): number | null {
  const m = /^([-+]?)(.*)$/.exec(text)!;
  const body = m[2]!;
  if (body === "0") return 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const p = part.exec(body);
    if (!p) return null;
    ms += Number(p[1]) * GO_UNIT_MS[p[2]!]!;
    at = part.lastIndex;
  }
  if (body === "") return null;
  return m[1] === "-" ? -ms : ms;
}

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
    const ms = parseGoDuration(text);
    if (ms === null || ms <= 0) throw new Error(`--${name}=${text} is not a positive Go duration`);
    // Whole microseconds first, so that float noise ("0.1m" = 6000.000000000001 ms) does not add a second.
    return Math.ceil(Math.round(ms * 1000) / 1e6);
  };
  return { leaseDurationSeconds: seconds("leader-elect-lease-duration"), retryPeriodSeconds: seconds("leader-elect-retry-period") };
}

/** RESOURCE_LOCKS: the --leader-elect-resource-lock values client-go knows, and the object each keeps the leader in
 *  (a hybrid writes both; the Lease is read). ConfigMap locks: null, check-ha.sh reads Leases and Endpoints only. */
export const RESOURCE_LOCKS: Readonly<Record<string, "lease" | "endpoints" | null>> = {
  leases: "lease",
  endpoints: "endpoints",
  endpointsleases: "lease",
  configmaps: null,
  configmapsleases: "lease",
};

/** leaderLockOf: where check-ha.sh reads the leader: --leader-elect-resource-lock from extraArgs, else the release's default;
 *  for a ConfigMap lock (which the spec check warns about), the release's default object. */
export function leaderLockOf(cluster: Cluster): "lease" | "endpoints" {
  const given = cluster.spec.controllerManager.extraArgs?.["leader-elect-resource-lock"];
  return (typeof given === "string" ? RESOURCE_LOCKS[given] : null) ?? (usesLeaseLock(cluster.version) ? "lease" : "endpoints");
}
