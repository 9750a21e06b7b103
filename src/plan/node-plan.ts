// The per-node plan: pure data (bundle path, mode, content) that the write stage lays out, from the file rows of the
// components the spec generates. install.sh and SHA256SUMS are derived from the same rootfs list, so they cannot disagree.
import { stringify } from "yaml";
import type { Component, Content, FileRow, Secrets } from "../components/component.js";
import { MODES, isSecret, unitName, unitPath, workingDir } from "../components/layout.js";
import { SHARED_FILES } from "../components/layout.js";
import { componentsOf, fileTarget } from "../components/registry.js";
import { execPath, renderUnit } from "../render/unit.js";
import { nodeKubeconfig } from "../render/kubeconfig.js";
import { renderInstallScript } from "../render/install-script.js";
import { renderEtcdVerifyScript, renderVerifyScript } from "../render/verify-script.js";
import path from "node:path";
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
  /** The components whose unit reads the file (every one for a shared file), for rootfs files. */
  components?: string[];
}

/** NodePlan: everything one node's bundle holds, sorted by path. */
export interface NodePlan {
  node: ClusterNode;
  files: PlannedFile[];
}

/** CertsOf: the PEMs of certificate row `id` for a node (its own instance where the row is issued per node). */
export type CertsOf = (id: string, node: ClusterNode) => PemPair;

/** Ctx: what a file's content is made from. */
interface Ctx {
  c: Cluster;
  n: ClusterNode;
  k: Component | null;
  components: readonly Component[];
  certs: CertsOf;
  secrets: Secrets;
  version: string;
}

/** render: one file's content, by the kind of content its row declares; the one place content kinds are rendered. */
function render(content: Content, x: Ctx): string {
  const own = () => {
    if (!x.k) throw new Error(`a shared file cannot hold ${content.from}`);
    return x.k;
  };
  switch (content.from) {
    case "pem":
      return x.certs(content.cert, x.n)[content.part];
    case "kubeconfig": {
      // Verifiers get the CA's chain; the node's ca.pem stays the CA alone (--cluster-signing-cert-file takes one certificate).
      const pair = x.certs(content.cert, x.n);
      const ca = x.certs("ca", x.n);
      return nodeKubeconfig(x.c, x.n, content.user, { ca: ca.chain ?? ca.cert, cert: pair.cert, key: pair.key });
    }
    case "unit":
      return renderUnit(own(), x.c, x.n);
    case "verify": {
      const k = own();
      const at = (id: string) => fileTarget(x.c, x.components, id);
      const health = k.health ?? { kind: "healthz" as const };
      if (health.kind === "etcd") {
        return renderEtcdVerifyScript({
          component: k.id,
          node: { name: x.n.name, ip: x.n.ip },
          clientPort: health.clientPort(x.c),
          peerPort: health.peerPort(x.c),
          unitName: unitName(k.id),
          caFile: at(k.verifyFiles.ca),
          certFile: at(k.verifyFiles.cert),
          keyFile: at(k.verifyFiles.key),
          etcdctl: path.posix.join(x.c.spec.paths.binDir, "etcdctl"),
          version: x.version,
        });
      }
      // The address and port the unit actually serves on, extraArgs overrides included.
      const serving = servingOf(k, x.c, x.n);
      return renderVerifyScript({
        component: k.id,
        node: { name: x.n.name, ip: serving.host },
        securePort: serving.port,
        unitName: unitName(k.id),
        caFile: at(k.verifyFiles.ca),
        certFile: at(k.verifyFiles.cert),
        keyFile: at(k.verifyFiles.key),
        kubeconfig: k.verifyFiles.kubeconfig === undefined ? null : at(k.verifyFiles.kubeconfig),
        paths: health.paths ?? ["/healthz"],
        version: x.version,
      });
    }
    case "yaml":
      return stringify(content.build(x.c, x.n, x.secrets), { lineWidth: 0 });
    case "secret": {
      const pem = content.part === "sa-key" ? x.secrets.serviceAccount.keyPem : x.secrets.serviceAccount.pubPem;
      if (pem === "") throw new Error("no service-account key pair from the pki stage");
      return pem;
    }
  }
}

function rootfsFile(row: FileRow, x: Ctx): PlannedFile {
  const target = row.target(x.c);
  return {
    path: `rootfs${target}`,
    mode: MODES[row.kind],
    content: Buffer.from(render(row.content, x)),
    secret: isSecret(row.kind),
    target,
    components: x.k ? [x.k.id] : x.components.map((k) => k.id),
  };
}

/** mergeShared: one file per target: a file several components list (the etcd CA, the front-proxy CA, sa.key) belongs to
 *  each of them; their rows must agree on mode and content (a table error otherwise, not a user error). */
function mergeShared(files: PlannedFile[]): PlannedFile[] {
  const byTarget = new Map<string, PlannedFile>();
  for (const f of files) {
    const seen = byTarget.get(f.target!);
    if (!seen) byTarget.set(f.target!, f);
    else if (seen.mode !== f.mode || !seen.content.equals(f.content)) throw new Error(`${f.target}: two file rows disagree on its content`);
    else seen.components = [...new Set([...seen.components!, ...f.components!])];
  }
  return [...byTarget.values()];
}

const byPath = (a: { path: string }, b: { path: string }) => byteOrder(a.path, b.path);

/** planNode: the bundle of one node: the shared files and every generated component's files (those its spec wants, one
 *  per target), then SHA256SUMS and install.sh derived from them. */
export function planNode(c: Cluster, node: ClusterNode, certs: CertsOf, version: string, secrets: Secrets): NodePlan {
  const components = componentsOf(c);
  const base = { c, n: node, components, certs, secrets, version };
  const wanted = (row: FileRow) => row.when?.(c) ?? true;
  const rootfs = mergeShared([
    ...SHARED_FILES.filter(wanted).map((row) => rootfsFile(row, { ...base, k: null })),
    ...components.flatMap((k) => k.files.filter(wanted).map((row) => rootfsFile(row, { ...base, k }))),
  ]).sort(byPath);
  const sums: PlannedFile = { path: "SHA256SUMS", mode: 0o644, content: Buffer.from(sha256sums(rootfs)), secret: false };
  const script = renderInstallScript({
    node: { name: node.name, ip: node.ip },
    files: rootfs.map((f) => ({ target: f.target!, mode: f.mode, units: f.components!.map(unitName) })),
    dirs: components.flatMap((k) => [{ path: workingDir(c, k.id), mode: 0o755 }, ...(k.dataDirs?.(c) ?? [])].map((d) => ({ ...d, units: [unitName(k.id)] }))),
    units: components.map((k) => unitName(k.id)),
    noBlockUnits: components.filter((k) => k.startsWithoutWaiting).map((k) => unitName(k.id)),
    components: components.map((k) => ({ id: k.id, unit: unitName(k.id), binary: execPath(k, c), unitFile: unitPath(k.id) })),
    version,
  });
  const install: PlannedFile = { path: "install.sh", mode: MODES.script, content: Buffer.from(script), secret: false };
  return { node, files: [install, sums, ...rootfs].sort(byPath) };
}
