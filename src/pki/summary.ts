// The public facts of one certificate, as the manifest and `generate` print them.
import { keyTypeName } from "./algorithms.js";
import type { CertRow } from "./certlist.js";
import type { CertInfo } from "./certinfo.js";
import { isoSeconds } from "./validity.js";

/** CertSummary: subject, sorted SANs, issuer, serial (hex), dates (ISO 8601, whole seconds) and key type of a row's certificate. */
export interface CertSummary {
  id: string;
  file: string;
  subject: string;
  sans: string[];
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** "rsa-2048", "ecdsa-P-256"; "unknown" for a key kubebundle cannot use. */
  keyType: string;
}

/** summarise: the CertSummary of `row`'s certificate `info`. */
export function summarise(row: CertRow, info: CertInfo): CertSummary {
  return {
    id: row.id,
    file: `${row.baseName}.pem`,
    subject: info.subject,
    sans: info.sans,
    issuer: info.issuer,
    serial: info.serial,
    notBefore: isoSeconds(info.notBefore),
    notAfter: isoSeconds(info.notAfter),
    keyType: info.keyType ? keyTypeName(info.keyType) : "unknown",
  };
}
