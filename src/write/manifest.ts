// out/manifest.json: every node's files and every certificate's public facts; no secret.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { NodePlan } from "../plan/node-plan.js";
import type { CertSummary } from "../pki/index.js";
import type { Cluster } from "../spec/cluster.js";

/** BundleFacts: a node tarball's path, size and digests. */
export interface BundleFacts {
  file: string;
  size: number;
  sha256: string;
  /** Digest of the tar's inputs (paths, modes, contents, mtime, format): equal digest, equal tar. */
  contentSha256: string;
}

/** ManifestFile: one file of a node bundle. */
export interface ManifestFile {
  path: string;
  target: string | null;
  mode: string;
  size: number;
  sha256: string;
}

/** Manifest: the shape of out/manifest.json. */
export interface Manifest {
  generator: "kubebundle";
  version: string;
  spec: { file: string; sha256: string };
  clusterName: string;
  kubernetesVersion: string;
  /** Inputs of the whole run; equal inputs and a still-valid PKI mean nothing to do. */
  inputs: { digest: string; renewBy: string; tree: string };
  certificates: (CertSummary & { renewAfter: string })[];
  /** The spec's warnings (no file name: the same spec gives the same manifest wherever it is run). */
  warnings: { pointer: string; message: string; hint?: string; line?: number; col?: number }[];
  nodes: { name: string; ip: string; bundle: BundleFacts; files: ManifestFile[] }[];
}

/** sha256hex: hex SHA-256 of bytes or text. */
export function sha256hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** modeText: 0o600 -> "0600". */
export function modeText(mode: number): string {
  return `0${mode.toString(8)}`;
}

/** manifestFiles: the manifest rows of a node plan, sorted by path. */
export function manifestFiles(plan: NodePlan): ManifestFile[] {
  return plan.files.map((f) => ({ path: f.path, target: f.target ?? null, mode: modeText(f.mode), size: f.content.length, sha256: sha256hex(f.content) }));
}

/** serializeManifest: stable JSON text (keys in declaration order, two-space indent, final newline). */
export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** writtenBy: every out/ path a manifest says its run wrote (node files, bundles, pki pairs); the caller adds the current tree's paths. */
export function writtenBy(m: Partial<Manifest> | undefined): Set<string> {
  const out = new Set<string>();
  for (const n of m?.nodes ?? []) {
    for (const f of n.files ?? []) out.add(`nodes/${n.name}/${f.path}`);
    if (n.bundle?.file) out.add(n.bundle.file);
  }
  for (const c of m?.certificates ?? []) {
    out.add(`pki/${c.file}`);
    out.add(`pki/${c.file.replace(/\.pem$/, "-key.pem")}`);
  }
  return out;
}

/** lastManifest: out/manifest.json when kubebundle wrote it (generator "kubebundle"), else undefined. */
export function lastManifest(outDir: string): Partial<Manifest> | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(outDir, "manifest.json"), "utf8")) as Partial<Manifest>;
    return m.generator === "kubebundle" ? m : undefined;
  } catch {
    return undefined;
  }
}

/** specFileName: the spec's file name as the manifest records it (no absolute path: the same on every machine). */
export function specFileName(c: Cluster): string {
  return c.file.split("/").pop() ?? c.file;
}
