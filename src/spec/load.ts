// Loading: file -> JSON with positions -> schema (defaults applied) -> semantic rules -> Cluster.
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { readSpecFile, specCaImports } from "./read.js";
import { etcdVersionOf } from "../components/etcd/release.js";
import path from "node:path";
import { InputError, type Problem } from "../errors.js";
import { parseJsonSource, type JsonSource } from "./json-source.js";
import { validateSchema, type SpecProblem } from "./schema-validator.js";
import { ignoredFieldProblems, semanticProblems } from "./semantic.js";
import { parseDuration } from "./duration.js";
import { parseIp } from "./ip.js";
import { parseVersion } from "../components/release.js";
import type { Spec } from "./schema.js";
import type { Cluster, KeySpec } from "./cluster.js";

/** Loaded: a valid cluster and the warnings found on the way. */
export interface Loaded {
  cluster: Cluster;
  warnings: Problem[];
}

/** caFileProblems: each given CA path that is missing, a folder or another non-file, or that cannot be looked at (a folder on its way is unreadable). */
function caFileProblems(spec: Spec, file: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const ca of specCaImports(spec, file)) for (const field of ["certFile", "keyFile"] as const) {
    const p = ca[field];
    let message: string | undefined;
    try {
      const st = statSync(p);
      if (st.isDirectory()) message = `${p} is a folder, not a file`;
      else if (!st.isFile()) message = `${p} is not a regular file`;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      message = code === "ENOENT" || code === "ENOTDIR" ? `${p}: no such file` : `${p} cannot be read (${code ?? String(e)})`;
    }
    if (message !== undefined) out.push({ pointer: `/pki/${ca.field}/${field}`, message, severity: "error" });
  }
  return out;
}

function defaultKey(spec: Spec): KeySpec {
  const algo = spec.pki.key.algo;
  const size = spec.pki.key.size ?? (algo === "ecdsa" ? 256 : 2048);
  spec.pki.key.size = size;
  return { algo, size } as KeySpec;
}

/** resolve: the typed Cluster of a spec that passed every check. */
function resolve(spec: Spec, shown: string, bytes: Buffer, locate: JsonSource["locate"]): Cluster {
  const file = path.resolve(shown);
  const imports = specCaImports(spec, file).map((ca) => {
    const at = (field: "certFile" | "keyFile") => locate(`/pki/${ca.field}/${field}`);
    return [ca.field, { field: ca.field, cert: ca.certFile, key: ca.keyFile, at: { certFile: at("certFile"), keyFile: at("keyFile") } }] as const;
  });
  const version = parseVersion(spec.kubernetesVersion)!;
  return {
    spec,
    file,
    shown,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    version,
    etcdVersion: etcdVersionOf(spec.etcd.version, version),
    key: defaultKey(spec),
    expiry: parseDuration(spec.pki.expiry)!,
    caExpiry: parseDuration(spec.pki.caExpiry)!,
    caImports: Object.fromEntries(imports),
    nodes: spec.nodes.map((n) => {
      const ip = parseIp(n.ip)!;
      return { ...n, ip: ip.text, family: ip.family };
    }),
  };
}

/** checkSpec: every problem of a spec text (errors and warnings), and the defaulted data. */
export function checkSpec(text: string, file: string): { problems: Problem[]; data?: unknown; locate?: JsonSource["locate"] } {
  const src = parseJsonSource(text);
  if (Array.isArray(src)) {
    return { problems: src.map((s) => ({ file, pointer: "", message: s.message, line: s.line, col: s.col, severity: "error" as const })) };
  }
  const data = src.value;
  const dups: SpecProblem[] = src.duplicateKeys.map((pointer) => ({ pointer, message: "key given twice in one object", severity: "error" }));
  const ignored = ignoredFieldProblems(data);
  const schema = validateSchema(data);
  const semantic = semanticProblems(data);
  // Where a semantic rule finds an error, its message (with a hint) speaks for the field; the schema's would repeat it.
  const explained = new Set(semantic.filter((p) => p.severity === "error").map((p) => p.pointer));
  const found = [...dups, ...schema.filter((p) => !explained.has(p.pointer)), ...semantic, ...ignored];
  if (!found.some((p) => p.severity === "error")) found.push(...caFileProblems(data as Spec, file));
  const problems = found
    .map((p) => ({ file, ...p, ...(src.locate(p.pointer) ?? {}) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  return { problems, data, locate: src.locate };
}

/** loadSpec: the Cluster of a spec file; throws InputError (exit 2) listing every problem. */
export function loadSpec(file: string): Loaded {
  const bytes = readSpecFile(file);
  const { problems, data, locate } = checkSpec(bytes.toString("utf8").replace(/^\uFEFF/, ""), file);
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new InputError("spec-invalid", `${file}: ${errors.length} problem${errors.length === 1 ? "" : "s"} in the cluster spec`, problems);
  }
  return { cluster: resolve(data as Spec, file, bytes, locate!), warnings: problems };
}
