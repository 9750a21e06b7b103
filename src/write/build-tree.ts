// The whole out/ tree in memory: pki state, every node's bundle folder and tarball, .gitignore,
// and the manifest (completed by the caller with the run's inputs digest).
import { readFileSync } from "node:fs";
import path from "node:path";
import { planNode, type NodePlan } from "../plan/node-plan.js";
import { planAdmin } from "../plan/admin-plan.js";
import { planAnsible } from "../plan/ansible-plan.js";
import { buildTar, gzipPinned } from "./tarball.js";
import { TAR_FORMAT } from "./tar-options.js";
import { GITIGNORE } from "./gitignore.js";
import { manifestFiles, sha256hex, specFileName, type BundleFacts, type Manifest } from "./manifest.js";
import type { OutTree, TreeDiff } from "./out-tree.js";
import type { CertSummary, PkiFiles, PkiResult } from "../pki/index.js";
import type { SecretsResult } from "../pki/secrets.js";
import { SECRET_KEY_FILES } from "../pki/secret-files.js";
import { isoSeconds, renewalWindowMs } from "../pki/x509/validity.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";
import { instanceId, signerId } from "../pki/certlist.js";
import { byteOrder } from "../paths.js";

/** BuildInput: the run's resolved inputs; `prev` is the last manifest, if any. */
export interface BuildInput {
  cluster: Cluster;
  pki: PkiResult;
  /** The secrets that are not certificates (encryption key, service-account pair). */
  secrets: SecretsResult;
  version: string;
  mtime: Date;
  prev: Partial<Manifest> | undefined;
  outDir: string;
}

/** NodeReport: one node's line of the closing table. */
export interface NodeReport {
  name: string;
  ip: string;
  status: "new" | "changed" | "unchanged";
  /** Files in the bundle. */
  files: number;
  /** Files of the bundle written (added or changed) by this run. */
  written: number;
  bundle: string;
  size: number;
  sha256: string;
}

/** Built: the tree to write, the manifest (inputs to be filled) and per-node plans. */
export interface Built {
  tree: OutTree;
  manifest: Manifest;
  plans: NodePlan[];
  /** The new out/pki state: the certificates' files and the secrets'. */
  pkiFiles: PkiFiles;
  renewBy: string;
  nodeReports(diff: TreeDiff): NodeReport[];
}

/** contentDigest: what the tarball is a pure function of (format, mtime, paths, modes, bytes). */
function contentDigest(plan: NodePlan, mtime: Date): string {
  return sha256hex([`tar-format ${TAR_FORMAT} mtime ${mtime.getTime()} top ${plan.node.name}`, ...plan.files.map((f) => `${f.path} ${f.mode.toString(8)} ${sha256hex(f.content)}`)].join("\n"));
}

/** tarball: the node's .tar.gz; the previous bytes when its content digest is unchanged (zlib may differ between Node releases). */
async function tarball(plan: NodePlan, input: BuildInput): Promise<{ bytes: Buffer; facts: BundleFacts }> {
  const file = `bundles/${plan.node.name}.tar.gz`;
  const digest = contentDigest(plan, input.mtime);
  const old = input.prev?.nodes?.find((n) => n.name === plan.node.name)?.bundle;
  if (old && old.contentSha256 === digest) {
    try {
      const bytes = readFileSync(path.join(input.outDir, file));
      if (sha256hex(bytes) === old.sha256) return { bytes, facts: old };
    } catch {
      /* rebuilt below */
    }
  }
  const bytes = gzipPinned(await buildTar(plan.node.name, plan.files, input.mtime));
  return { bytes, facts: { file, size: bytes.length, sha256: sha256hex(bytes), contentSha256: digest } };
}

/** renewAfter: when a certificate enters its renewal window (the pki stage's rule). */
function renewAfter(s: CertSummary): string {
  const v = { notBefore: new Date(s.notBefore), notAfter: new Date(s.notAfter) };
  return isoSeconds(new Date(v.notAfter.getTime() - renewalWindowMs(v)));
}

/** buildTree: everything generate writes, as data. */
export async function buildTree(input: BuildInput): Promise<Built> {
  const { cluster: c, pki } = input;
  const tree: OutTree = new Map();
  tree.set(".gitignore", { mode: 0o644, content: Buffer.from(GITIGNORE) });
  const pkiFiles: PkiFiles = new Map([...pki.files, ...input.secrets.files].sort(([a], [b]) => byteOrder(a, b)));
  for (const [name, text] of pkiFiles) tree.set(`pki/${name}`, { mode: name.endsWith("-key.pem") || SECRET_KEY_FILES.includes(name) ? 0o600 : 0o644, content: Buffer.from(text) });
  const certs = (id: string, node?: ClusterNode) => {
    const signer = signerId(c, id);
    const pair = pki.certs[node ? instanceId(signer, node.name) : signer];
    if (!pair) throw new Error(`no certificate "${id}" from the pki stage`);
    return pair;
  };
  // The secrets' result carries the values the nodes' files are made of (Secrets).
  const plans = [...c.nodes].sort((a, b) => byteOrder(a.name, b.name)).map((n) => planNode(c, n, certs, input.version, input.secrets));
  const others = [...planAdmin(c, (id) => certs(id), input.version), ...planAnsible(c, input.version)];
  for (const f of others) tree.set(f.path, { mode: f.mode, content: f.content });
  const nodes: Manifest["nodes"] = [];
  for (const plan of plans) {
    for (const f of plan.files) tree.set(`nodes/${plan.node.name}/${f.path}`, { mode: f.mode, content: f.content });
    const tar = await tarball(plan, input);
    tree.set(tar.facts.file, { mode: 0o600, content: tar.bytes });
    nodes.push({ name: plan.node.name, ip: plan.node.ip, bundle: tar.facts, files: manifestFiles(plan) });
  }
  const certificates = pki.summaries.map((s) => ({ ...s, renewAfter: renewAfter(s) })).sort((a, b) => byteOrder(a.id, b.id));
  const renewBy = certificates.map((s) => s.renewAfter).sort()[0] ?? new Date(8.64e15).toISOString();
  const manifest: Manifest = {
    generator: "kubebundle",
    version: input.version,
    spec: { file: specFileName(c), sha256: c.sha256 },
    clusterName: c.spec.clusterName,
    kubernetesVersion: c.version.text,
    inputs: { digest: "", renewBy, tree: "" },
    certificates,
    secrets: input.secrets.records,
    outputs: others.map((f) => f.path).sort(byteOrder),
    warnings: [],
    nodes,
  };
  return {
    tree,
    manifest,
    plans,
    pkiFiles,
    renewBy,
    nodeReports: (diff) =>
      nodes.map((n) => {
        const prefix = [`nodes/${n.name}/`, n.bundle.file];
        const touched = (list: string[]) => list.some((p) => prefix.some((x) => p.startsWith(x)));
        const status = touched(diff.added) && !touched(diff.changed) && !input.prev?.nodes?.some((p) => p.name === n.name) ? "new" : touched(diff.added) || touched(diff.changed) ? "changed" : "unchanged";
        const written = [...diff.added, ...diff.changed].filter((p) => p.startsWith(prefix[0]!)).length;
        return { name: n.name, ip: n.ip, status, files: n.files.length, written, bundle: n.bundle.file, size: n.bundle.size, sha256: n.bundle.sha256 };
      }),
  };
}
