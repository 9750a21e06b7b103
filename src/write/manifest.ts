// out/manifest.json: every node's files and every certificate's public facts; no secret.
import { createHash } from "node:crypto";
import path from "node:path";
import { CAPS, readInputFile } from "../input-file.js";
import type { NodePlan } from "../plan/node-plan.js";
import type { CertSummary } from "../pki/index.js";
import type { SecretRecord } from "../pki/secrets.js";
import type { Cluster } from "../spec/cluster.js";
import { InputError } from "../errors.js";
import { SECRET_FILES } from "../pki/secret-files.js";

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
  /** The secrets of out/pki that are not certificates: id, file and a fingerprint, never the secret (src/pki/secrets.ts). */
  secrets: SecretRecord[];
  /** The other files the run wrote (admin/, ansible/, check-ha.sh), so that the next run removes those it no longer
   *  writes (admin/apiserver-rbac.yaml once kube-apiserver is no longer generated). */
  outputs: string[];
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
  for (const p of m?.outputs ?? []) out.add(p);
  // A secret's files: the key file recorded, and sa.pub beside sa.key.
  for (const s of m?.secrets ?? []) {
    out.add(`pki/${s.file}`);
    if (s.file === SECRET_FILES.saKey) out.add(`pki/${SECRET_FILES.saPub}`);
  }
  return out;
}

/** lastManifest: out/manifest.json when kubebundle wrote it (generator "kubebundle"), else undefined. Throws InputError
 *  ("out-damaged") when it says kubebundle wrote it but a field kubebundle reads back has the wrong shape: it was edited
 *  or damaged by hand, and reading on would mistake what the last run wrote. */
export function lastManifest(outDir: string): Partial<Manifest> | undefined {
  const file = path.join(outDir, "manifest.json");
  let text: string;
  try {
    text = readInputFile(file, { what: "a manifest", cap: CAPS.manifest, code: "manifest" }).toString("utf8");
  } catch (e) {
    // No manifest: no last run. One that is no regular file, or too large, is out/ damaged: said, not guessed around.
    if (e instanceof InputError && e.code === "manifest-not-found") return undefined;
    throw e;
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(m) || m.generator !== "kubebundle") return undefined;
  const wrong = manifestProblem(m);
  if (wrong) {
    const message = `${wrong.message}: manifest.json was changed by hand or damaged`;
    const hint = "restore it from Git or a backup, or remove it and run generate --force, which reuses out/pki";
    throw new InputError("out-damaged", `${file}: ${wrong.pointer}: ${message}`, [{ file, pointer: wrong.pointer, message, hint, severity: "error" }]);
  }
  return m as Partial<Manifest>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** OUTPUT_PATH: what `outputs` may name (anything else would let a hand-edited manifest remove a file of the user's). */
const OUTPUT_PATH = /^(?:(?:admin|ansible)\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*|check-ha\.sh)$/;

/** FIELDS: the shape of each manifest field that a run reads back ("s" string, "n" number, "o" object; "?" optional). */
const FIELDS = {
  top: { version: "s?", inputs: "o?", nodes: "a", certificates: "a", secrets: "a?", outputs: "a?", warnings: "a?" },
  node: { name: "s", ip: "s", files: "a", bundle: "o" },
  file: { path: "s" },
  bundle: { file: "s", size: "n", sha256: "s", contentSha256: "s" },
  cert: { id: "s", file: "s", notAfter: "s" },
  secret: { id: "s", file: "s", sha256: "s" },
  warning: { pointer: "s", message: "s", hint: "s?", line: "n?", col: "n?" },
  inputs: { digest: "s?", renewBy: "s?", tree: "s?" },
} as const;

const KIND: Record<string, string> = { s: "a string", n: "a number", o: "an object", a: "a list" };

/** shapeProblem: the first field of `v` (at JSON pointer `at`) that does not have the shape `fields` gives. */
function shapeProblem(v: unknown, at: string, fields: Record<string, string>): { pointer: string; message: string } | undefined {
  if (!isObject(v)) return { pointer: at || "/", message: "is not an object" };
  for (const [key, want] of Object.entries(fields)) {
    const x = v[key];
    if (x === undefined && want.endsWith("?")) continue;
    const kind = want[0]!;
    const ok = kind === "a" ? Array.isArray(x) : kind === "o" ? isObject(x) : kind === "n" ? typeof x === "number" && Number.isFinite(x) : typeof x === "string";
    if (!ok) return { pointer: `${at}/${key}`, message: x === undefined ? `${KIND[kind]} is missing` : `is not ${KIND[kind]}` };
  }
  return undefined;
}

/** manifestProblem: the first field of a kubebundle manifest that does not have the shape kubebundle wrote. */
function manifestProblem(m: Record<string, unknown>): { pointer: string; message: string } | undefined {
  const nodes = m.nodes as unknown[];
  const first = (items: unknown, at: string, check: (x: unknown, at: string) => { pointer: string; message: string } | undefined) => {
    for (const [i, x] of (items as unknown[]).entries()) {
      const p = check(x, `${at}/${i}`);
      if (p) return p;
    }
    return undefined;
  };
  return (
    shapeProblem(m, "", FIELDS.top) ??
    (m.inputs !== undefined ? shapeProblem(m.inputs, "/inputs", FIELDS.inputs) : undefined) ??
    first(nodes, "/nodes", (n, at) => {
      const p = shapeProblem(n, at, FIELDS.node) ?? first((n as { files: unknown }).files, `${at}/files`, (f, fat) => shapeProblem(f, fat, FIELDS.file)) ?? shapeProblem((n as { bundle: unknown }).bundle, `${at}/bundle`, FIELDS.bundle);
      if (p) return p;
      const { name, bundle } = n as { name: string; bundle: { file: string } };
      return bundle.file === `bundles/${name}.tar.gz` ? undefined : { pointer: `${at}/bundle/file`, message: `is not bundles/${name}.tar.gz` };
    }) ??
    first(m.certificates, "/certificates", (c, at) => shapeProblem(c, at, FIELDS.cert)) ??
    (m.secrets !== undefined
      ? first(m.secrets, "/secrets", (x, at) => {
          const p = shapeProblem(x, at, FIELDS.secret);
          if (p) return p;
          const file = (x as { file: string }).file;
          return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(file) ? undefined : { pointer: `${at}/file`, message: `${JSON.stringify(file)} is not a file name in out/pki` };
        })
      : undefined) ??
    (m.outputs !== undefined
      ? first(m.outputs, "/outputs", (x, at) => (typeof x === "string" && OUTPUT_PATH.test(x) && !x.split("/").includes("..") ? undefined : { pointer: at, message: `${JSON.stringify(x)} is not a path under admin/ or ansible/, or check-ha.sh` }))
      : undefined) ??
    (m.warnings !== undefined ? first(m.warnings, "/warnings", (w, at) => shapeProblem(w, at, FIELDS.warning)) : undefined)
  );
}

/** specFileName: the spec's file name as the manifest records it (no absolute path: the same on every machine). */
export function specFileName(c: Cluster): string {
  return c.file.split("/").pop() ?? c.file;
}
