// A short account of a valid cluster and of what `generate` would write for it.
import { componentsOf, nodeFiles } from "../components/registry.js";
import { minorOf } from "../components/release.js";
import type { Cluster } from "./cluster.js";

/** Summary: the same facts as text and as data. */
export interface Summary {
  text: string;
  cluster: string;
  kubernetesVersion: string;
  key: string;
  nodes: { name: string; ip: string; bundle: string }[];
  files: string[];
}

/** summarise: cluster, release, nodes with IPs, and the per-node files and bundles generate makes. */
export function summarise(c: Cluster): Summary {
  const nodes = c.nodes.map((n) => ({ name: n.name, ip: n.ip, bundle: `bundles/${n.name}.tar.gz` }));
  const files = nodeFiles(componentsOf(c), c).map((r) => r.target(c));
  const width = Math.max(...nodes.map((n) => n.name.length));
  const text = [
    `${c.shown}: valid`,
    `cluster ${c.spec.clusterName}, Kubernetes ${c.version.text} (flags for ${minorOf(c.version)}), keys ${c.key.algo}-${c.key.size}, service CIDR ${c.spec.serviceCIDR}`,
    `apiserver: ${c.spec.apiServer.endpoint ?? `https://<node ip>:${c.spec.apiServer.port}`}`,
    `${nodes.length} node${nodes.length === 1 ? "" : "s"}:`,
    ...nodes.map((n) => `  ${n.name.padEnd(width)}  ${n.ip.padEnd(15)}  -> ${n.bundle}`),
    `each bundle: install.sh, SHA256SUMS and`,
    ...files.map((f) => `  ${f}`),
  ].join("\n");
  return { text, cluster: c.spec.clusterName, kubernetesVersion: c.version.text, key: `${c.key.algo}-${c.key.size}`, nodes, files };
}
