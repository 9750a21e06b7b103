// A leaf row: the certificate in out/pki/ reused when still right, else issued anew with the reason.
import type { Cluster } from "../spec/cluster.js";
import type { CertRow } from "./certlist.js";
import { readCertificate, type CertInfo } from "./certinfo.js";
import type { PkiDeps } from "./deps.js";
import { issue, type Signer } from "./issue.js";
import { readKeyObject } from "./keys.js";
import type { Outcome, PkiEvent } from "./outcome.js";
import { certificateDers } from "./pem.js";
import { reuseFindings, type Finding } from "./reuse.js";
import type { PkiFiles } from "./state.js";
import { daysLeft, isoSeconds } from "./validity.js";

type Previous = { info: CertInfo; certPem: string; keyPem: string } | Finding;

/** readPrevious: the previous certificate and key of `row`, or why there is none usable. */
function readPrevious(row: CertRow, previous: PkiFiles): Previous {
  const [certName, keyName] = [`${row.baseName}.pem`, `${row.baseName}-key.pem`];
  const certPem = previous.get(certName);
  const keyPem = previous.get(keyName);
  if (certPem === undefined && keyPem === undefined) return { reason: "missing", detail: `no ${certName} yet` };
  if (certPem === undefined || keyPem === undefined) return { reason: "missing", detail: `${certPem === undefined ? certName : keyName} missing` };
  let info: CertInfo;
  try {
    const der = certificateDers(certPem)[0];
    if (!der) return { reason: "unreadable", detail: `${certName} holds no PEM certificate` };
    info = readCertificate(der);
  } catch (e) {
    return { reason: "unreadable", detail: `${certName} cannot be parsed (${(e as Error).message})` };
  }
  try {
    if (!info.x509.checkPrivateKey(readKeyObject(keyPem))) return { reason: "unreadable", detail: `${keyName} does not match ${certName}` };
  } catch {
    return { reason: "unreadable", detail: `${keyName} is not a readable private key` };
  }
  return { info, certPem, keyPem };
}

/** resolveLeaf: reuse `row`'s previous certificate if every check passes, else issue one signed by `ca` and say why. */
export async function resolveLeaf(row: CertRow, ca: Signer, caChanged: boolean, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const now = deps.now();
  const prev = readPrevious(row, previous);
  const findings = "reason" in prev ? [prev] : reuseFindings(row, prev.info, c, { ca: ca.info, caChanged, now });
  if (!("reason" in prev) && findings.length === 0) {
    const detail = `valid until ${isoSeconds(prev.info.notAfter)} (${daysLeft(prev.info.notAfter, now)} days left)`;
    return { ...prev, event: { id: row.id, action: "reused", detail }, changed: false };
  }
  const made = await issue(row, ca, c, deps);
  const event: PkiEvent = { id: row.id, action: "issued", reason: findings[0]!.reason, detail: findings.map((f) => f.detail).join("; ") };
  return { info: made.info, certPem: made.pem, keyPem: made.key.pem, event, changed: true };
}
