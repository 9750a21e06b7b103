// The no-change check: when the run's inputs and out/ are exactly what the last run recorded,
// and no certificate has reached its renewal time, nothing needs loading, issuing or writing.
// Uses node built-ins only, so a no-change run pays for no heavy module.
import { createHash } from "node:crypto";
import { lstatSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { listFiles, type OutTree } from "./out-tree.js";
import { sha256hex } from "./manifest.js";
import { byteOrder } from "../paths.js";
import { specCaImports } from "../spec/read.js";
import { CAPS, readInputFile } from "../input-file.js";

/** FileDigestRow: what the tree digest covers of one file. */
interface FileDigestRow {
  path: string;
  mode: number;
  sha256: string;
}

function digestRows(rows: FileDigestRow[]): string {
  const h = createHash("sha256");
  for (const r of [...rows].sort((a, b) => byteOrder(a.path, b.path))) h.update(`${r.path}\0${r.mode.toString(8)}\0${r.sha256}\n`);
  return h.digest("hex");
}

/** treeDigest: digest of every file of `tree` except manifest.json (paths, modes, contents). */
export function treeDigest(tree: OutTree): string {
  return digestRows([...tree].filter(([p]) => p !== "manifest.json").map(([p, f]) => ({ path: p, mode: f.mode, sha256: sha256hex(f.content) })));
}

/** diskTreeDigest: the same digest over the managed files on disk. */
export function diskTreeDigest(dir: string): string {
  const rows = listFiles(dir)
    .filter((r) => r !== "manifest.json")
    .map((r) => {
      const st = lstatSync(path.join(dir, r));
      // Only a regular file is read: anything else (a FIFO would block, a device never end) cannot match a digest of files.
      return { path: r, mode: st.mode & 0o777, sha256: st.isFile() ? sha256hex(readFileSync(path.join(dir, r))) : `not a file (mode ${st.mode.toString(8)})` };
    });
  return digestRows(rows);
}

/** InputsKey: what decides a run's output besides the clock. */
export interface InputsKey {
  version: string;
  specBytes: Buffer;
  caFiles: Buffer[];
  /** out/pki/*.pem by file name (readPkiDir). */
  pki: Map<string, string>;
  tarMtime: Date;
}

/** inputsDigest: digest of the spec, imported CA files, out/pki/*.pem, the tar mtime and kubebundle's version. */
export function inputsDigest(k: InputsKey): string {
  const h = createHash("sha256");
  h.update(`kubebundle ${k.version}\0mtime ${k.tarMtime.getTime()}\0spec ${sha256hex(k.specBytes)}\0`);
  for (const f of k.caFiles) h.update(`ca ${sha256hex(f)}\0`);
  for (const name of [...k.pki.keys()].sort()) h.update(`pki ${name} ${sha256hex(Buffer.from(k.pki.get(name)!))}\0`);
  return h.digest("hex");
}

/** caFilesOf: the bytes of the CA files a spec imports (pki.ca), read without validating the spec; null when the spec
 *  does not parse or a file cannot be read (the full run then reports it). */
export function caFilesOf(specBytes: Buffer, specFile: string): Buffer[] | null {
  try {
    const cas = specCaImports(JSON.parse(specBytes.toString("utf8")), specFile);
    return cas.flatMap((ca) => [ca.certFile, ca.keyFile]).map((f) => readInputFile(f, { what: "a PEM file", cap: CAPS.pem, code: "ca" }));
  } catch {
    return null;
  }
}

/** LastRun: the parts of the last run's manifest.json the check reads. */
export interface LastRun {
  generator?: string;
  version?: string;
  inputs?: { digest?: string; renewBy?: string; tree?: string };
}

/** unchanged: true when the last run's manifest `m` records these inputs, out/ still matches it and `now` is before renewBy. */
export function unchanged(outDir: string, m: LastRun, key: InputsKey, now: Date): boolean {
  try {
    if (m.generator !== "kubebundle" || m.version !== key.version || !m.inputs?.tree || !m.inputs.renewBy) return false;
    if (now.getTime() >= Date.parse(m.inputs.renewBy)) return false;
    if (m.inputs.digest !== inputsDigest(key)) return false;
    if ((statSync(path.join(outDir, "pki")).mode & 0o777) !== 0o700) return false;
    return m.inputs.tree === diskTreeDigest(outDir);
  } catch {
    return false;
  }
}
