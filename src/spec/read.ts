// Reading the spec file (a missing file, a folder or an unreadable file is the user's mistake), and
// where the files it names are: paths inside a spec are relative to the spec file.
import path from "node:path";
import { CAPS, readInputFile } from "../input-file.js";

/** readSpecFile: the spec's bytes (a regular file of at most CAPS.spec), or an InputError naming why it cannot be read. */
export function readSpecFile(file: string): Buffer {
  return readInputFile(file, {
    what: "a cluster spec",
    cap: CAPS.spec,
    code: "spec",
    missingHint: "give the cluster spec's path, e.g. kubebundle validate cluster.json",
  });
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
