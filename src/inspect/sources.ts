// What `inspect` reads: the text files under a path (one file, a folder recursively, or a node tarball in memory),
// and the certificates in them: every PEM CERTIFICATE block, and the certificates embedded in kubeconfigs.
// Every read is bounded: each file through readInputFile (a regular file of at most CAPS.pem, checked before a byte is
// read), a folder's files together at most CAPS.unpacked, a tarball at most CAPS.tarball compressed and CAPS.unpacked
// once gunzipped (counted while it is unpacked, so a gzip bomb is refused before it fills the memory).
import { readdirSync, statSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { parse } from "yaml";
import { InputError } from "../errors.js";
import { CAPS, mib, readInputFile } from "../input-file.js";
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

/** PEM_FILE: how inspect reads one file it was pointed at or found under a folder. */
const PEM_FILE = { what: "a PEM file or kubeconfig", cap: CAPS.pem, code: "inspect" } as const;

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

/** readText: one file's text through readInputFile; a file this user may not read says how to read it. */
function readText(p: string): string {
  try {
    return readInputFile(p, PEM_FILE).toString("utf8");
  } catch (e) {
    if (e instanceof InputError && e.code === "inspect-unreadable" && /EACCES/.test(e.message)) throw unreadable(p, { code: "EACCES" });
    throw e;
  }
}

function listDir(p: string): Dirent[] {
  try {
    return readdirSync(p, { withFileTypes: true });
  } catch (e) {
    throw unreadable(p, e);
  }
}

/** tooMuch: the InputError for a folder or tarball whose certificate files exceed CAPS.unpacked together. */
function tooMuch(p: string, what: string): InputError {
  return new InputError("inspect-too-large", `${p}: ${what} more than ${mib(CAPS.unpacked)}, more than inspect reads (a node tarball or an out/ folder holds far less)`);
}

/** walk: every wanted file under `root` (folders followed, symlinked folders not); a wanted name that is not a regular file
 *  (a FIFO, a device, a symlink to one, a folder named x.pem) is refused by readInputFile, never opened for a blocking read. */
function walk(root: string, rel = "", budget = { left: CAPS.unpacked }): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of listDir(path.join(root, rel)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...walk(root, name, budget));
    else if (WANTED.test(entry.name)) {
      const text = readText(path.join(root, name));
      budget.left -= Buffer.byteLength(text);
      if (budget.left < 0) throw tooMuch(root, "its certificate files hold");
      out.push({ name, dir: path.posix.dirname(name), text });
    }
  }
  return out;
}

/** readTarball: the wanted regular files of a node tarball, read in memory: at most CAPS.tarball compressed, CAPS.unpacked
 *  gunzipped (counted as it is inflated), CAPS.pem per file. */
async function readTarball(file: string): Promise<SourceFile[]> {
  const bytes = readInputFile(file, { what: "a node tarball", cap: CAPS.tarball, code: "inspect" });
  const out: SourceFile[] = [];
  const notTar = (e: unknown) => new InputError("inspect-unreadable", `${file}: not a readable tarball (${(e as Error).message})`);
  await new Promise<void>((resolve, reject) => {
    const gunzip = createGunzip();
    let settled = false;
    const fail = (e: InputError) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(e);
    };
    const parser = new Parser({
      strict: true,
      brotli: false,
      zstd: false,
      onReadEntry: (e: ReadEntry) => {
        if (e.type !== "File" || !WANTED.test(e.path)) return void e.resume();
        if (e.size > CAPS.pem) return fail(new InputError("inspect-too-large", `${file}: ${e.path} is ${e.size} bytes, larger than ${PEM_FILE.what} may be (at most ${mib(CAPS.pem)})`));
        const chunks: Buffer[] = [];
        e.on("data", (c: Buffer) => chunks.push(c));
        e.on("end", () => out.push({ name: e.path, dir: path.posix.dirname(e.path), text: Buffer.concat(chunks).toString("utf8") }));
      },
    });
    parser.on("error", (e: Error) => fail(notTar(e)));
    parser.on("end", () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    // After the tar's end-of-archive blocks the parser would keep what follows in one growing buffer: it gets no more,
    // while the rest is still inflated and counted against the cap.
    let tarEnded = false;
    parser.on("eof", () => (tarEnded = true));
    let unpacked = 0;
    gunzip.on("data", (chunk: Buffer) => {
      unpacked += chunk.length;
      if (unpacked > CAPS.unpacked) return fail(tooMuch(file, "unpacks to"));
      if (!tarEnded && !parser.write(chunk)) {
        gunzip.pause();
        parser.once("drain", () => gunzip.resume());
      }
    });
    gunzip.on("end", () => parser.end());
    gunzip.on("error", (e: Error) => fail(notTar(e)));
    gunzip.end(bytes);
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** siblings: the other PEM files beside `file`, read as candidate issuers and keys ("the CA beside it"); one that cannot be
 *  read as a regular file of at most CAPS.pem (a FIFO, a key only root may read) is left out. */
function siblings(file: string): SourceFile[] {
  const dir = path.dirname(file);
  const out: SourceFile[] = [];
  for (const e of listDir(dir)) {
    if (e.isDirectory() || !e.name.endsWith(".pem") || path.join(dir, e.name) === path.normalize(file)) continue;
    try {
      out.push({ name: path.join(dir, e.name), dir, text: readText(path.join(dir, e.name)), besideOnly: true });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
    }
  }
  return out;
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
  /** The private key found beside it: X-key.pem beside X.pem (for X.pem's first certificate), a kubeconfig user's client-key-data. */
  key?: { name: string; text: string };
}

const EMBEDDED = [
  ["clusters", "cluster", "certificate-authority-data", null],
  ["users", "user", "client-certificate-data", "client-key-data"],
] as const;

/** Embedded: one certificate field of a kubeconfig ("user/admin"), decoded, with its entry's decoded key when it has one. */
interface Embedded {
  where: string;
  pem: string;
  key?: string;
}

/** kubeconfigPems: every embedded certificate field of a kubeconfig, decoded; empty when the text is not one. */
function kubeconfigPems(text: string): Embedded[] {
  let doc: any;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const out: Embedded[] = [];
  const decode = (v: unknown) => (typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined);
  for (const [list, item, field, keyField] of EMBEDDED) {
    for (const entry of Array.isArray(doc?.[list]) ? doc[list] : []) {
      const pem = decode(entry?.[item]?.[field]);
      const key = keyField ? decode(entry?.[item]?.[keyField]) : undefined;
      if (pem !== undefined) out.push({ where: `${item}/${entry.name ?? "?"}`, pem, ...(key !== undefined ? { key } : {}) });
    }
  }
  return out;
}

/** extractCertificates: every certificate in `files`, in file order; kubeconfig entries named "<file>#<user|cluster>/<name>". */
export function extractCertificates(files: readonly SourceFile[]): FoundCert[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const out: FoundCert[] = [];
  for (const f of files) {
    const besideKey = f.name.endsWith(".pem") ? byName.get(f.name.replace(/\.pem$/, "-key.pem")) : undefined;
    const pems: Embedded[] = f.text.includes("-----BEGIN CERTIFICATE-----")
      ? [{ where: "", pem: f.text, ...(besideKey ? { key: besideKey.text } : {}) }]
      : kubeconfigPems(f.text);
    for (const e of pems) {
      certificateDers(e.pem).forEach((der, i) => {
        const suffix = [e.where, i > 0 ? String(i + 1) : ""].filter(Boolean).join("#");
        const name = suffix ? `${f.name}#${suffix}` : f.name;
        const keyName = e.where ? `${f.name}#${e.where} (client-key-data)` : besideKey?.name;
        const key = i === 0 && e.key !== undefined && keyName ? { key: { name: keyName, text: e.key } } : {};
        out.push({ name, file: f.name, dir: f.dir, der, besideOnly: f.besideOnly === true, ...key });
      });
    }
  }
  return out;
}
