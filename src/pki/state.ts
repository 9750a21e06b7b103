// out/pki/ as the pki stage sees it: file name -> PEM text, remembering the folder for messages.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { CAPS, readInputFile } from "../input-file.js";

/** PkiFiles: the out/pki/ state, file name ("ca.pem", "ca-key.pem"...) -> PEM text. */
export type PkiFiles = Map<string, string>;

const folders = new WeakMap<PkiFiles, string>();

/** readPkiDir: every `<dir>/*.pem` by file name, and the files named in `extra` that exist (the secrets that are not
 *  certificates: src/pki/secrets.ts SECRET_FILES), sorted; an empty map (still naming `dir` in messages) when the folder
 *  does not exist. Each file goes through readInputFile: a FIFO, a device (also behind a symlink), a folder named x.pem or
 *  a file over CAPS.pem is an InputError. */
export function readPkiDir(dir: string, extra: readonly string[] = []): PkiFiles {
  const files: PkiFiles = new Map();
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new InputError("pki-state-not-a-folder", `${dir}: exists but is not a folder (kubebundle keeps its keys and certificates there)`);
    }
    names = readdirSync(dir);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      folders.set(files, dir);
      return files;
    }
    throw new InputError("pki-state-unreadable", `${dir}: cannot be read (${code ?? String(e)})`);
  }
  for (const name of names.filter((n) => n.endsWith(".pem") || extra.includes(n)).sort()) {
    const text = readInputFile(path.join(dir, name), { what: "a PEM file", cap: CAPS.pem, code: "pki-state" });
    files.set(name, text.toString("utf8"));
  }
  folders.set(files, dir);
  return files;
}

/** pkiPath: where `name` of `files` lives on disk ("<dir>/ca.pem"), or "pki/ca.pem" for a map not read from disk. */
export function pkiPath(files: PkiFiles, name: string): string {
  const dir = folders.get(files);
  return dir !== undefined ? path.join(dir, name) : path.posix.join("pki", name);
}
