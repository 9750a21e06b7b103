// What `inspect` reads: the text files under a path (one file, a folder recursively, or a node tarball in memory),
// and the certificates in them: every PEM CERTIFICATE block, and the certificates embedded in kubeconfigs.
import { readdirSync, readFileSync, statSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { list } from "tar";
import { parse } from "yaml";
import { InputError } from "../errors.js";
import { certificateDers } from "../pki/x509/pem.js";

/** SourceFile: a file that may hold certificates; `name` is what the report shows, `dir` groups the files that sit side by side. */
export interface SourceFile {
  name: string;
  dir: string;
  text: string;
  /** Candidate issuers only: read to check chains, not listed. */
  besideOnly?: boolean;
}

/** Wanted: certificate-bearing file names (PEM files and kubeconfigs). */
const WANTED = /\.(pem|crt|kubeconfig)$/;
const TARBALL = /\.(tar\.gz|tgz)$/;

function statOrRefuse(target: string): Stats {
  try {
    return statSync(target);
  } catch {
    throw new InputError("inspect-not-found", `${target}: no such file or folder (give a .pem file, an output folder such as out/, or a node tarball)`);
  }
}

/** unreadable: the InputError for a file or folder this user may not read (out/pki and out/admin are 0700). */
function unreadable(p: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
  return new InputError("inspect-unreadable", `${p}: cannot be read (${code})${code === "EACCES" ? "; run as its owner or root" : ""}`);
}

function readText(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch (e) {
    throw unreadable(p, e);
  }
}

function listDir(p: string): Dirent[] {
  try {
    return readdirSync(p, { withFileTypes: true });
  } catch (e) {
    throw unreadable(p, e);
  }
}

function walk(root: string, rel = ""): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of listDir(path.join(root, rel)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...walk(root, name));
    else if (entry.isFile() && WANTED.test(entry.name)) out.push({ name, dir: path.posix.dirname(name), text: readText(path.join(root, name)) });
  }
  return out;
}

async function readTarball(file: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (e) => {
        if (e.type !== "File" || !WANTED.test(e.path)) return void e.resume();
        const chunks: Buffer[] = [];
        e.on("data", (c: Buffer) => chunks.push(c));
        e.on("end", () => out.push({ name: e.path, dir: path.posix.dirname(e.path), text: Buffer.concat(chunks).toString("utf8") }));
      },
    });
  } catch (e) {
    throw new InputError("inspect-unreadable", `${file}: not a readable tarball (${(e as Error).message})`);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** siblings: the other PEM files beside `file`, read as candidate issuers ("the CA beside it"). */
function siblings(file: string): SourceFile[] {
  const dir = path.dirname(file);
  return listDir(dir)
    .filter((e) => e.isFile() && e.name.endsWith(".pem") && path.join(dir, e.name) !== file)
    .map((e) => ({ name: path.join(dir, e.name), dir, text: readText(path.join(dir, e.name)), besideOnly: true }));
}

/** readSources: every certificate-bearing file under `target`: itself (plus its sibling PEMs as issuers), a folder's files, or a tarball's entries. */
export async function readSources(target: string): Promise<SourceFile[]> {
  const st = statOrRefuse(target);
  if (st.isDirectory()) return walk(target);
  if (TARBALL.test(target)) return readTarball(target);
  return [{ name: target, dir: path.dirname(target), text: readText(target) }, ...siblings(target)];
}

// --- certificates in the files ---

/** FoundCert: one certificate's DER and where it was found ("pki/ca.pem", "a.kubeconfig#user/admin", "bundle.pem#2"). */
export interface FoundCert {
  name: string;
  /** The file it came from, and that file's folder: what "beside it" means for chains. */
  file: string;
  dir: string;
  der: Uint8Array;
  besideOnly: boolean;
}

const EMBEDDED = [
  ["clusters", "cluster", "certificate-authority-data"],
  ["users", "user", "client-certificate-data"],
] as const;

/** kubeconfigPems: "<list>/<entry name>" -> decoded PEM text of every embedded certificate field; empty when not a kubeconfig. */
function kubeconfigPems(text: string): [string, string][] {
  let doc: any;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  for (const [list, item, field] of EMBEDDED) {
    for (const entry of Array.isArray(doc?.[list]) ? doc[list] : []) {
      const data = entry?.[item]?.[field];
      if (typeof data === "string") out.push([`${item}/${entry.name ?? "?"}`, Buffer.from(data, "base64").toString("utf8")]);
    }
  }
  return out;
}

/** extractCertificates: every certificate in `files`, in file order; kubeconfig entries named "<file>#<user|cluster>/<name>". */
export function extractCertificates(files: readonly SourceFile[]): FoundCert[] {
  const out: FoundCert[] = [];
  for (const f of files) {
    const pems: [string, string][] = f.text.includes("-----BEGIN CERTIFICATE-----") ? [["", f.text]] : kubeconfigPems(f.text);
    for (const [where, pem] of pems) {
      certificateDers(pem).forEach((der, i) => {
        const suffix = [where, i > 0 ? String(i + 1) : ""].filter(Boolean).join("#");
        out.push({ name: suffix ? `${f.name}#${suffix}` : f.name, file: f.name, dir: f.dir, der, besideOnly: f.besideOnly === true });
      });
    }
  }
  return out;
}
