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

/** CA_IMPORT_FIELDS: the fields of `pki` that import a CA (one per CA row of the certificate table that may be imported). */
export const CA_IMPORT_FIELDS = ["ca", "etcdCA", "frontProxyCA"] as const;

/** CaImportField: one of CA_IMPORT_FIELDS. */
export type CaImportField = (typeof CA_IMPORT_FIELDS)[number];

/** CaPaths: the absolute paths of the files of a CA a spec imports (`pki.<field>`). */
export interface CaPaths {
  field: CaImportField;
  certFile: string;
  keyFile: string;
}

/** specCaImports: every `pki.<field>` import's files resolved against the folder of `specFile`, in CA_IMPORT_FIELDS order.
 *  Reads only what it needs of the parsed spec, so the no-change check can call it before the spec is validated. */
export function specCaImports(spec: unknown, specFile: string): CaPaths[] {
  const pki = (spec as { pki?: Record<string, { certFile?: unknown; keyFile?: unknown } | undefined> } | null)?.pki;
  const dir = path.dirname(path.resolve(specFile));
  return CA_IMPORT_FIELDS.flatMap((field) => {
    const ca = pki?.[field];
    return ca ? [{ field, certFile: path.resolve(dir, String(ca.certFile)), keyFile: path.resolve(dir, String(ca.keyFile)) }] : [];
  });
}
