// The per-node plan: pure data (bundle path, mode, content) that the write stage lays out.
// install.sh and SHA256SUMS are derived from the same rootfs list, so they cannot disagree.
import { LAYOUT, MODES, UNIT_NAME, layoutTarget, workingDir, type LayoutRow } from "../components/layout.js";
import { renderUnit } from "../render/unit.js";
import { kcmKubeconfig } from "../render/kubeconfig.js";
import { renderInstallScript } from "../render/install-script.js";
import { renderVerifyScript } from "../render/verify-script.js";
import { servingOf } from "../render/flags.js";
import { sha256sums } from "./sha256sums.js";
import { byteOrder } from "../paths.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** PemPair: a certificate and its private key, PEM text; for a CA, `chain`: the CA followed by its issuers up to the root. */
export interface PemPair {
  cert: string;
  key: string;
  chain?: string;
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

/** Ctx: what a row's content is made from. */
interface Ctx {
  c: Cluster;
  n: ClusterNode;
  certs: Certs;
  version: string;
}

/** CONTENT: what each layout row holds; every row of LAYOUT has an entry. */
const CONTENT: Record<string, (x: Ctx) => string> = {
  // The CA alone: the unit names this file in --cluster-signing-cert-file, which takes exactly one certificate. Verifiers
  // get the chain through the kubeconfig (and out/admin/ca.pem).
  "ca-cert": (x) => x.certs.ca.cert,
  "ca-key": (x) => x.certs.ca.key,
  "kcm-cert": (x) => x.certs["kube-controller-manager"].cert,
  "kcm-key": (x) => x.certs["kube-controller-manager"].key,
  "kcm-kubeconfig": (x) =>
    kcmKubeconfig(x.c, x.n, { ca: x.certs.ca.chain ?? x.certs.ca.cert, cert: x.certs["kube-controller-manager"].cert, key: x.certs["kube-controller-manager"].key }),
  "kcm-unit": (x) => renderUnit(x.c, x.n),
  "kcm-verify": (x) => {
    // The address and port the unit actually serves on, extraArgs overrides included.
    const serving = servingOf(x.c, x.n);
    return renderVerifyScript({
      node: { name: x.n.name, ip: serving.host },
      securePort: serving.port,
      unitName: UNIT_NAME,
      caFile: layoutTarget(x.c, "ca-cert"),
      certFile: layoutTarget(x.c, "kcm-cert"),
      keyFile: layoutTarget(x.c, "kcm-key"),
      kubeconfig: layoutTarget(x.c, "kcm-kubeconfig"),
      version: x.version,
    });
  },
};

function rootfsFile(row: LayoutRow, x: Ctx): PlannedFile {
  const fill = CONTENT[row.id];
  if (!fill) throw new Error(`layout row ${row.id} has no content`);
  const target = row.target(x.c);
  return {
    path: `rootfs${target}`,
    mode: MODES[row.kind],
    content: Buffer.from(fill(x)),
    secret: row.kind === "key" || row.kind === "kubeconfig",
    target,
  };
}

const byPath = (a: { path: string }, b: { path: string }) => byteOrder(a.path, b.path);

/** planNode: the bundle of one node: rootfs files from LAYOUT, then SHA256SUMS and install.sh derived from them. */
export function planNode(c: Cluster, node: ClusterNode, certs: Certs, version: string): NodePlan {
  const rootfs = LAYOUT.map((row) => rootfsFile(row, { c, n: node, certs, version })).sort(byPath);
  const sums: PlannedFile = { path: "SHA256SUMS", mode: 0o644, content: Buffer.from(sha256sums(rootfs)), secret: false };
  const script = renderInstallScript({
    node: { name: node.name, ip: node.ip },
    files: rootfs.map((f) => ({ target: f.target!, mode: f.mode })),
    dirs: [{ path: workingDir(c), mode: 0o755 }],
    unitName: UNIT_NAME,
    version,
  });
  const install: PlannedFile = { path: "install.sh", mode: MODES.script, content: Buffer.from(script), secret: false };
  return { node, files: [install, sums, ...rootfs].sort(byPath) };
}
