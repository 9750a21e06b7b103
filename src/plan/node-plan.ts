// The per-node plan: pure data (bundle path, mode, content) that the write stage lays out.
// install.sh and SHA256SUMS are derived from the same rootfs list, so they cannot disagree.
import path from "node:path";
import { LAYOUT, MODES, UNIT_NAME, workingDir, type LayoutRow } from "./layout.js";
import { renderUnit } from "../render/unit.js";
import { kcmKubeconfig } from "../render/kubeconfig.js";
import { renderInstallScript } from "../render/install-script.js";
import { sha256sums } from "./sha256sums.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** PemPair: a certificate and its private key, PEM text. */
export interface PemPair {
  cert: string;
  key: string;
}

/** PlannedFile: one file of a bundle; `path` is relative to the bundle root. */
export interface PlannedFile {
  path: string;
  mode: number;
  content: Buffer;
  /** True for private keys and files embedding one (kept out of Git). */
  secret: boolean;
  /** Absolute path on the node, for rootfs files. */
  target?: string;
}

/** NodePlan: everything one node's bundle holds, sorted by path. */
export interface NodePlan {
  node: ClusterNode;
  files: PlannedFile[];
}

type Certs = Record<"ca" | "kube-controller-manager", PemPair>;

/** CONTENT: what each layout row holds; every row of LAYOUT has an entry. */
const CONTENT: Record<string, (c: Cluster, n: ClusterNode, certs: Certs) => string> = {
  "ca-cert": (_c, _n, k) => k.ca.cert,
  "ca-key": (_c, _n, k) => k.ca.key,
  "kcm-cert": (_c, _n, k) => k["kube-controller-manager"].cert,
  "kcm-key": (_c, _n, k) => k["kube-controller-manager"].key,
  "kcm-kubeconfig": (c, n, k) => kcmKubeconfig(c, n, { ca: k.ca.cert, cert: k["kube-controller-manager"].cert, key: k["kube-controller-manager"].key }),
  "kcm-unit": (c, n) => renderUnit(c, n),
};

function rootfsFile(row: LayoutRow, c: Cluster, n: ClusterNode, certs: Certs): PlannedFile {
  const fill = CONTENT[row.id];
  if (!fill) throw new Error(`layout row ${row.id} has no content`);
  const target = row.target(c);
  return {
    path: `rootfs${target}`,
    mode: MODES[row.kind],
    content: Buffer.from(fill(c, n, certs)),
    secret: row.kind === "key" || row.kind === "kubeconfig",
    target,
  };
}

/** dirsFor: every parent folder of the targets plus the working dir, parents first. */
function dirsFor(targets: string[], extra: string[]): { path: string; mode: number }[] {
  const dirs = new Set<string>();
  for (const t of [...targets.map((x) => path.posix.dirname(x)), ...extra]) {
    for (let d = t; d !== "/"; d = path.posix.dirname(d)) dirs.add(d);
  }
  return [...dirs].sort().map((p) => ({ path: p, mode: 0o755 }));
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** planNode: the bundle of one node: rootfs files from LAYOUT, then SHA256SUMS and install.sh derived from them. */
export function planNode(c: Cluster, node: ClusterNode, certs: Certs, version: string): NodePlan {
  const rootfs = LAYOUT.map((row) => rootfsFile(row, c, node, certs)).sort(byPath);
  const sums: PlannedFile = { path: "SHA256SUMS", mode: 0o644, content: Buffer.from(sha256sums(rootfs)), secret: false };
  const script = renderInstallScript({
    node: { name: node.name, ip: node.ip },
    files: rootfs.map((f) => ({ target: f.target!, mode: f.mode })),
    dirs: dirsFor(rootfs.map((f) => f.target!), [workingDir(c)]),
    workingDir: workingDir(c),
    unitName: UNIT_NAME,
    version,
  });
  const install: PlannedFile = { path: "install.sh", mode: MODES.script, content: Buffer.from(script), secret: false };
  return { node, files: [install, sums, ...rootfs].sort(byPath) };
}
