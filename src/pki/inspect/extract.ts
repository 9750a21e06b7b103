// Certificates out of source files: every PEM CERTIFICATE block, and the certificates embedded in kubeconfigs.
import { parse } from "yaml";
import { certificateDers } from "../x509/pem.js";
import type { SourceFile } from "./sources.js";

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
