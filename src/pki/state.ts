// out/pki/ as the pki stage sees it: file name -> PEM text, remembering the folder for messages.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";

/** PkiFiles: the out/pki/ state, file name ("ca.pem", "ca-key.pem"...) -> PEM text. */
export type PkiFiles = Map<string, string>;

const folders = new WeakMap<PkiFiles, string>();

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** readPkiDir: every `<dir>/*.pem` by file name, sorted; an empty map when the folder does not exist. */
export function readPkiDir(dir: string): PkiFiles {
  const files: PkiFiles = new Map();
  if (!isDirectory(dir)) {
    try {
      statSync(dir);
    } catch {
      return files;
    }
    throw new InputError("pki-state-not-a-folder", `${dir}: exists but is not a folder (kubebundle keeps its keys and certificates there)`);
  }
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".pem")).sort()) {
    files.set(name, readFileSync(path.join(dir, name), "utf8"));
  }
  folders.set(files, dir);
  return files;
}

/** pkiPath: where `name` of `files` lives on disk ("<dir>/ca.pem"), or "pki/ca.pem" for a map not read from disk. */
export function pkiPath(files: PkiFiles, name: string): string {
  const dir = folders.get(files);
  return dir !== undefined ? path.join(dir, name) : path.posix.join("pki", name);
}
