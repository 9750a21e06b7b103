// Reading the spec file (a missing file, a folder or an unreadable file is the user's mistake), and
// where the files it names are: paths inside a spec are relative to the spec file.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";

/** readSpecFile: the file's bytes, or an InputError naming why it cannot be read. */
export function readSpecFile(file: string): Buffer {
  const shown = file;
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new InputError("spec-not-found", `${shown}: no such file (give the cluster spec's path, e.g. kubebundle validate cluster.json)`, [
      { file: shown, pointer: "", message: "no such file", severity: "error" },
    ]);
  }
  if (st.isDirectory()) {
    throw new InputError("spec-is-directory", `${shown}: is a directory, not a cluster spec file`, [
      { file: shown, pointer: "", message: "is a directory, not a cluster spec file", severity: "error" },
    ]);
  }
  try {
    return readFileSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new InputError("spec-unreadable", `${shown}: cannot be read (${why})`, [
      { file: shown, pointer: "", message: `cannot be read (${why})`, severity: "error" },
    ]);
  }
}

/** CaPaths: the absolute paths of the CA files a spec imports (`pki.ca`). */
export interface CaPaths {
  certFile: string;
  keyFile: string;
}

/** specCaPaths: `pki.ca`'s files resolved against the folder of `specFile`; null when the spec imports no CA. Reads only
 *  what it needs of the parsed spec, so the no-change check can call it before the spec is validated. */
export function specCaPaths(spec: unknown, specFile: string): CaPaths | null {
  const ca = (spec as { pki?: { ca?: { certFile?: unknown; keyFile?: unknown } } } | null)?.pki?.ca;
  if (!ca) return null;
  const dir = path.dirname(path.resolve(specFile));
  return { certFile: path.resolve(dir, String(ca.certFile)), keyFile: path.resolve(dir, String(ca.keyFile)) };
}
