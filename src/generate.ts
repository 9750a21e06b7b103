// `generate`: validate -> plan -> pki -> render -> write, with a no-change fast path that
// loads no heavy module. Only the last step touches out/, and it does so atomically.
import { existsSync, lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { InputError, type Problem } from "./errors.js";
import { readSpecFile } from "./spec/read.js";
import { caFilesOf, inputsDigest, unchanged, treeDigest } from "./write/fast-path.js";
import { readPkiDir } from "./pki/state.js";
import { SECRET_FILE_NAMES } from "./pki/secret-files.js";
import { tarMtime } from "./write/tar-options.js";
import { checkOutEntries, guardOutDir, unwritable } from "./write/out-guard.js";
import type { TreeDiff } from "./write/out-tree.js";
import type { Built, NodeReport } from "./write/build-tree.js";
import { lastManifest, serializeManifest, writtenBy, type Manifest } from "./write/manifest.js";
import type { PkiEvent, PkiFiles, PkiResult } from "./pki/index.js";
import type { SecretsResult } from "./pki/secrets.js";
import type { Cluster } from "./spec/cluster.js";

/** GenerateOptions: where from, where to; `now` and `env` are injectable for tests. */
export interface GenerateOptions {
  spec: string;
  out: string;
  force?: boolean;
  version: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /** Called right after the new tree is swapped into out/ (the CLI's Ctrl-C handler needs to know). */
  onWritten?: () => void;
}

/** GenerateReport: what a run did; `changed` false means out/ was left byte for byte as it was. */
export interface GenerateReport {
  changed: boolean;
  out: string;
  warnings: Problem[];
  pki: PkiEvent[];
  nodes: NodeReport[];
  removedNodes: string[];
  diff: TreeDiff;
}

type Step = (line: string) => void;


function unchangedReport(outDir: string, m: Partial<Manifest>, spec: string): GenerateReport {
  return {
    changed: false,
    out: outDir,
    warnings: (m.warnings ?? []).map((w) => ({ file: spec, ...w, severity: "warning" as const })),
    pki: (m.certificates ?? []).map((c) => ({ id: c.id, action: "reused" as const, detail: `valid until ${c.notAfter}` })),
    nodes: (m.nodes ?? []).map((n) => ({ name: n.name, ip: n.ip, status: "unchanged" as const, files: n.files.length, written: 0, bundle: n.bundle.file, size: n.bundle.size, sha256: n.bundle.sha256 })),
    removedNodes: [],
    diff: { added: [], changed: [], removed: [] },
  };
}

/** generate: brings `opts.out` up to date with the spec; throws InputError for bad input (out/ untouched). */
export async function generate(opts: GenerateOptions, step: Step = () => {}): Promise<GenerateReport> {
  if (opts.out.trim() === "") throw new InputError("out-refused", "--out: an empty folder name; give the output folder, e.g. --out out");
  // A symlinked --out is written through: the link stays, its target gets the new tree.
  const given = path.resolve(opts.out);
  const outDir = existsSync(given) && lstatSync(given).isSymbolicLink() ? realpathSync(given) : given;
  guardOutDir(outDir, opts.force ?? false);
  const { lockOut, lockPath, recoverStale } = await import("./write/out-tree.js");
  let release: () => void;
  try {
    release = lockOut(outDir);
  } catch (e) {
    const m = /^busy: (\d+)$/.exec((e as Error).message);
    if (m) {
      const hint = `if no kubebundle run is active, remove ${lockPath(outDir)}`;
      throw new InputError("out-busy", `${outDir}: another kubebundle run (pid ${m[1]}) is writing it; try again when it has finished (${hint})`);
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new InputError("out-unwritable", `${path.dirname(outDir)}: cannot write beside the output folder (${code}); choose another --out`);
  }
  try {
    recoverStale(outDir);
    // Again under the lock: another run may have written out/ since the first look.
    guardOutDir(outDir, opts.force ?? false);
    checkOutEntries(outDir);
    return await run(opts, outDir, step);
  } finally {
    release();
  }
}

/** sealManifest: completes the manifest (warnings, inputs digest, tree digest) and adds it to the tree. */
function sealManifest(built: Built, warnings: Problem[], digest: string): void {
  const manifest = built.manifest;
  manifest.warnings = warnings.map((w) => ({
    pointer: w.pointer,
    message: w.message,
    ...(w.hint !== undefined ? { hint: w.hint } : {}),
    ...(w.line !== undefined ? { line: w.line, col: w.col ?? 1 } : {}),
  }));
  manifest.inputs = { digest, renewBy: built.renewBy, tree: treeDigest(built.tree) };
  built.tree.set("manifest.json", { mode: 0o644, content: Buffer.from(serializeManifest(manifest)) });
}

/** writeOut: swaps the tree into out/ when it differs from what is there (the user's files kept). */
async function writeOut(built: Built, outDir: string, prev: Partial<Manifest> | undefined, opts: GenerateOptions, step: Step): Promise<{ diff: TreeDiff; changed: boolean }> {
  const { diffTree, writeTreeAtomic } = await import("./write/out-tree.js");
  checkOutEntries(outDir, built.tree);
  const before = writtenBy(prev);
  const diff = diffTree(built.tree, outDir, before);
  const changed = diff.added.length + diff.changed.length + diff.removed.length > 0;
  if (changed) {
    try {
      writeTreeAtomic(built.tree, outDir, before);
    } catch (e) {
      throw unwritable(e, outDir) ?? e;
    }
    opts.onWritten?.();
    step(`wrote ${outDir}: ${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed`);
  } else step(`no changes in ${outDir}`);
  return { diff, changed };
}

/** resolveRunSecrets: the encryption key (when kube-apiserver is generated) and the service-account pair (when a generated
 *  component signs or verifies tokens) for this run, from out/pki and the last manifest's record. */
async function resolveRunSecrets(cluster: Cluster, previous: PkiFiles, pki: PkiResult, prev: Partial<Manifest> | undefined): Promise<SecretsResult> {
  const { resolveSecrets, recordedSecrets } = await import("./pki/secrets.js");
  const { specKeyType } = await import("./pki/keys.js");
  const { componentsOf } = await import("./components/registry.js");
  const { dedicatedServiceAccount } = await import("./components/shared-files.js");
  const files = componentsOf(cluster).flatMap((k) => k.files);
  return resolveSecrets(
    previous,
    {
      // The dedicated pair with `separate` trust and kube-apiserver generated, the CA key otherwise (shared-files.ts).
      trust: dedicatedServiceAccount(cluster) ? "separate" : "single",
      keyType: specKeyType(cluster.key),
      caKeyPem: pki.certs["ca"]!.key,
      encryption: files.some((f) => f.kind === "secret-config"),
      provider: cluster.spec.apiServer.encryption.provider,
      serviceAccount: files.some((f) => f.content.from === "secret"),
    },
    recordedSecrets(prev),
  );
}

/** run: the stages, with out/ locked. */
async function run(opts: GenerateOptions, outDir: string, step: Step): Promise<GenerateReport> {
  const now = opts.now ?? new Date();
  const mtime = tarMtime(opts.env ?? process.env);

  const specBytes = readSpecFile(opts.spec);
  const caFiles = caFilesOf(specBytes, path.resolve(opts.spec));
  const prev = lastManifest(outDir);
  const previous = readPkiDir(path.join(outDir, "pki"), SECRET_FILE_NAMES);
  if (prev && caFiles && unchanged(outDir, prev, { version: opts.version, specBytes, caFiles, pki: previous, tarMtime: mtime }, now)) {
    step("inputs and out/ match the last run; no certificate is due for renewal");
    return unchangedReport(outDir, prev, opts.spec);
  }

  const { loadSpec } = await import("./spec/load.js");
  const { cluster, warnings } = loadSpec(opts.spec);
  step(`validated ${opts.spec}: ${cluster.nodes.length} nodes, Kubernetes ${cluster.version.text}`);

  const { reconcilePki, realDeps } = await import("./pki/index.js");
  // The render and write modules load while the pki stage waits for its keys and signatures.
  const buildTreeModule = import("./write/build-tree.js");
  // The certificates the last run recorded: a CA among them that out/pki lost is refused, never made anew.
  const recorded = Array.isArray(prev?.certificates) ? prev.certificates : [];
  const pki = await reconcilePki(cluster, previous, opts.now ? { ...realDeps(), now: () => now } : realDeps(), recorded);
  const secrets = await resolveRunSecrets(cluster, previous, pki, prev);
  // A changed service-account key is news of this run only: reported now, not kept among the spec's warnings in the
  // manifest (a run that finds out/ unchanged replays those, and would say again that the key changed).
  const secretWarnings: Problem[] = secrets.warnings.map((w) => ({ file: opts.spec, pointer: "/pki/trust", message: w, severity: "warning" }));
  step(`pki: ${[...pki.events, ...secrets.events].map((e) => `${e.id} ${e.action}`).join(", ")}`);

  const { buildTree } = await buildTreeModule;
  const built = await buildTree({ cluster, pki, secrets, version: opts.version, mtime, prev, outDir });
  step(`rendered ${built.plans.length} bundles (${built.plans.reduce((n, p) => n + p.files.length, 0)} files)`);

  const digest = inputsDigest({ version: opts.version, specBytes, caFiles: caFiles ?? [], pki: built.pkiFiles, tarMtime: mtime });
  sealManifest(built, warnings, digest);
  const { diff, changed } = await writeOut(built, outDir, prev, opts, step);
  return {
    changed,
    out: outDir,
    warnings: [...warnings, ...secretWarnings],
    pki: [...pki.events, ...secrets.events],
    nodes: built.nodeReports(diff),
    removedNodes: (prev?.nodes ?? []).map((n) => n.name).filter((n) => !cluster.nodes.some((c) => c.name === n)),
    diff,
  };
}
