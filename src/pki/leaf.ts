// Leaf resolution: the certificate in out/pki/ reused while still right for its row (CA, key, subject,
// SANs, validity), else issued anew with every reason it was not.
import type { Cluster } from "../spec/cluster.js";
import { isIssuedBy, readCertificate, type CertInfo } from "./certinfo.js";
import type { CertRow } from "./certlist.js";
import type { PkiDeps } from "./deps.js";
import { issue, type Signer } from "./issue.js";
import { keyTypeName, readKeyObject, sameKeyType, specKeyType } from "./keys.js";
import type { Outcome, PkiEvent, Reason } from "./reconcile.js";
import type { PkiFiles } from "./state.js";
import { certificateDers } from "./x509/pem.js";
import { diffHosts } from "./x509/sans.js";
import { daysLeft, isoSeconds, renewalWindowMs, validUntil } from "./x509/validity.js";
import { formatDn } from "./x509/x500.js";

/** resolveLeaf: reuse `row`'s previous certificate if every check passes, else issue one signed by `ca` and say why. */
export async function resolveLeaf(row: CertRow, ca: Signer, caChanged: boolean, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const now = deps.now();
  const prev = readPrevious(row, previous);
  const findings = "reason" in prev ? [prev] : reuseFindings(row, prev.info, c, { ca: ca.info, caChanged, now });
  if (!("reason" in prev) && findings.length === 0) {
    return { ...prev, event: { id: row.id, action: "reused", detail: validUntil(prev.info.notAfter, now) }, changed: false };
  }
  const made = await issue(row, ca, c, deps);
  const event: PkiEvent = { id: row.id, action: "issued", reason: findings[0]!.reason, detail: findings.map((f) => f.detail).join("; ") };
  return { info: made.info, certPem: made.pem, keyPem: made.key.pem, event, changed: true };
}

/** Finding: one reason a certificate cannot be reused, with its words. */
interface Finding {
  reason: Reason;
  detail: string;
}

/** ReuseContext: what a leaf is checked against: its CA now, whether that CA changed in this run, and the time. */
interface ReuseContext {
  ca: CertInfo;
  caChanged: boolean;
  now: Date;
}

/** reuseFindings: why `info` is not `row`'s certificate any more (CA, key, subject, SANs, validity, in that order); empty to reuse it. */
function reuseFindings(row: CertRow, info: CertInfo, c: Cluster, x: ReuseContext): Finding[] {
  const out: Finding[] = [];
  if (x.caChanged) out.push({ reason: "ca-changed", detail: "the CA changed" });
  else if (!isIssuedBy(info, x.ca)) out.push({ reason: "ca-changed", detail: `signed by another CA (${info.issuer})` });
  const want = specKeyType(c.key);
  if (!info.keyType || !sameKeyType(info.keyType, want)) {
    out.push({ reason: "key-changed", detail: `key ${info.keyType ? keyTypeName(info.keyType) : "of an unknown type"}, the spec asks for ${keyTypeName(want)}` });
  }
  const subject = formatDn(row.subject(c));
  if (info.subject !== subject) out.push({ reason: "subject-changed", detail: `subject was ${info.subject}, now ${subject}` });
  const sans = diffHosts(info.sans, row.hosts(c));
  if (sans.length > 0) out.push({ reason: "sans-changed", detail: sans.join(", ") });
  return [...out, ...validityFindings(info, x)];
}

function validityFindings(info: CertInfo, x: ReuseContext): Finding[] {
  const left = info.notAfter.getTime() - x.now.getTime();
  if (left <= 0) return [{ reason: "expired", detail: `expired on ${isoSeconds(info.notAfter)}` }];
  // A certificate already ending with its CA cannot be extended by re-issuing it.
  if (left <= renewalWindowMs(info) && info.notAfter.getTime() < x.ca.notAfter.getTime()) {
    return [{ reason: "expiring", detail: `expires in ${daysLeft(info.notAfter, x.now)} days` }];
  }
  return [];
}

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
