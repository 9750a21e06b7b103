// A component's final command line on one node: its flag table's defaults for the release merged with extraArgs, and
// the values in force once it runs (the serving address and port its checks read).
import type { Component, Serving } from "../components/component.js";
import { defaultFlags } from "../components/flag-table.js";
import { parseIp, parsePort } from "../spec/ip.js";
import { byteOrder } from "../paths.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** Flag: one `--name=value` argument (name without `--`). */
export interface Flag {
  name: string;
  value: string;
}

/** extraArgsOf: the component's `extraArgs` in the spec. */
export function extraArgsOf(k: Component, cluster: Cluster): Record<string, string | null> {
  return cluster.spec[k.section].extraArgs ?? {};
}

/** componentFlags: the release's default flags, then extraArgs (a value adds or replaces, null removes), sorted by name
 *  (byte order, the same on every machine and locale). */
export function componentFlags(k: Component, cluster: Cluster, node: ClusterNode): Flag[] {
  const flags = defaultFlags(k.flags, { cluster, node });
  for (const [name, value] of Object.entries(extraArgsOf(k, cluster))) {
    if (value === null) flags.delete(name);
    else flags.set(name, value);
  }
  return [...flags].map(([name, value]) => ({ name, value })).sort((a, b) => byteOrder(a.name, b.name));
}

/** servingOf: host and port from the node's final flag list (the binary's own default where a flag is absent); throws on a
 *  value the loader refuses. */
export function servingOf(k: Component, cluster: Cluster, node: ClusterNode): Serving {
  const flags = componentFlags(k, cluster, node);
  const builtin = k.builtin;
  if (!builtin) throw new Error(`${k.id} serves no --secure-port`);
  const valueOf = (name: "secure-port" | "bind-address") => flags.find((f) => f.name === name)?.value ?? builtin[name];
  const portText = valueOf("secure-port");
  const port = parsePort(portText);
  if (port === null) throw new Error(`--secure-port=${portText} is not a port 1-65535`);
  const bindText = valueOf("bind-address");
  const bind = parseIp(bindText);
  if (!bind) throw new Error(`--bind-address=${bindText} is not an IP address`);
  return { host: bind.range === "unspecified" ? node.ip : bind.text, port };
}
