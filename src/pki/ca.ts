// CA resolution: a CA row is imported from the spec's files, reused from out/pki/, or created; never
// replaced silently. Every CA file is checked (a CA, a matching usable key, dates) with a message naming it.
import { InputError, type Problem } from "../errors.js";
import { CAPS, readInputFile } from "../input-file.js";
import type { Cluster } from "../spec/cluster.js";
import type { Duration } from "../spec/duration.js";
import { readCertificate, type CertInfo } from "./certinfo.js";
import { CERTS, type CertRow } from "./certlist.js";
import { realDeps, type Crypto, type PkiDeps } from "./deps.js";
import { issue, type Signer } from "./issue.js";
import { importKeyPair, isEncryptedPem, keyTypeName, readKeyObject, specKeyType } from "./keys.js";
import type { Outcome } from "./reconcile.js";
import { pkiPath, type PkiFiles } from "./state.js";
import { certificateDers, toPem } from "./x509/pem.js";
import { daysLeft, isoSeconds, renewalWindowMs, validUntil } from "./x509/validity.js";
import { formatDn } from "./x509/x500.js";

/** resolveCa: the spec's imported CA (wins over out/pki/), else the CA in out/pki/, else a new one. */
export async function resolveCa(row: CertRow, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const files = row.imported?.(c);
  if (files) return importCa(row, files, c, previous, deps);
  if (previous.has(`${row.baseName}.pem`) || previous.has(`${row.baseName}-key.pem`)) return storedCa(row, c, previous, deps);
  return createCa(row, c, deps);
}

/** checkSpecCa: the CA that `pki.ca` imports, read and checked as generate would (no-op without pki.ca); throws InputError. */
export async function checkSpecCa(cluster: Cluster): Promise<void> {
  const row = CERTS.find((r) => r.caId === null);
  if (cluster.caFiles && row) await checkImportedCa(row, cluster, realDeps());
}

// --- import, reuse, create ---

/** checkImportedCa: the CA that `pki.ca` names, read and checked (a CA, key matching, not expired, outliving its leaves); throws InputError naming the file. */
async function checkImportedCa(row: CertRow, c: Cluster, deps: PkiDeps): Promise<Signer> {
  const files = c.caFiles!;
  const src: CaSource = { cert: files.cert, key: files.key, spec: c.shown, at: files.at };
  const now = deps.now();
  const signer = await readCaPair(readText(files.cert, src, "certFile"), readText(files.key, src, "keyFile"), src, deps.crypto);
  checkCaDates(signer.info, src, now);
  const leaf = longestLeaf(row, c);
  if (leaf) checkCaOutlives(signer.info, src, now, leaf);
  return signer;
}

async function importCa(row: CertRow, files: { cert: string; key: string }, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const now = deps.now();
  const signer = await checkImportedCa(row, c, deps);
  const prev = previous.get(`${row.baseName}.pem`);
  const prevDer = prev !== undefined ? certificateDers(prev)[0] : undefined;
  const changed = !prevDer || !Buffer.from(prevDer).equals(Buffer.from(signer.info.der));
  const detail = [`from ${files.cert} (${keyTypeName(signer.key.type)}, ${validUntil(signer.info.notAfter, now)})`];
  if (prev !== undefined && changed) detail.push(`replaces ${pkiPath(previous, `${row.baseName}.pem`)}; every certificate it signed is re-issued`);
  const reason = prev === undefined ? ("missing" as const) : changed ? ("ca-changed" as const) : undefined;
  return {
    info: signer.info,
    certPem: toPem("CERTIFICATE", signer.info.der),
    keyPem: signer.key.pem,
    event: { id: row.id, action: "imported", ...(reason ? { reason } : {}), detail: detail.join("; ") },
    signer,
    changed,
  };
}

async function storedCa(row: CertRow, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const [certName, keyName] = [`${row.baseName}.pem`, `${row.baseName}-key.pem`];
  const src: CaSource = { cert: pkiPath(previous, certName), key: pkiPath(previous, keyName) };
  const certPem = previous.get(certName);
  const keyPem = previous.get(keyName);
  const remove = `remove ${src.cert} and ${src.key}`;
  if (certPem === undefined || keyPem === undefined) {
    const [missing, present] = certPem === undefined ? [src.cert, src.key] : [src.key, src.cert];
    throw new InputError("pki-state-incomplete", `${missing}: missing beside ${present}; restore it, or remove ${present} to create a new CA`);
  }
  const now = deps.now();
  const signer = await readCaPair(certPem, keyPem, src, deps.crypto);
  checkCaDates(signer.info, src, now);
  const info = signer.info;
  const notes = keptNotes(row, { ...info, key: keyTypeName(signer.key.type) }, c, now, remove);
  const detail = [validUntil(info.notAfter, now), ...notes].join("; ");
  return { info, certPem, keyPem, event: { id: row.id, action: "reused", detail }, signer, changed: false };
}

/** keptNotes: what differs between a kept CA and what the spec would create now, said in the event. */
function keptNotes(row: CertRow, o: { notBefore: Date; notAfter: Date; subject: string; key: string }, c: Cluster, now: Date, remove: string): string[] {
  const notes: string[] = [];
  const window = renewalWindowMs(o);
  if (o.notAfter.getTime() - now.getTime() <= window) notes.push(`expires in ${daysLeft(o.notAfter, now)} days: renew it deliberately`);
  const want = keyTypeName(specKeyType(c.key));
  if (o.key !== want) notes.push(`its key is ${o.key} while the spec asks for ${want}: kept`);
  const subject = formatDn(row.subject(c));
  if (o.subject !== subject) notes.push(`its subject differs from pki.caCSR (${subject}): kept`);
  if (notes.length > 0) notes.push(`a CA is never replaced silently; ${remove} to create a new one`);
  return notes;
}

async function createCa(row: CertRow, c: Cluster, deps: PkiDeps): Promise<Outcome> {
  const made = await issue(row, null, c, deps);
  const detail = `new ${keyTypeName(made.key.type)} CA ${made.info.subject}, ${validUntil(made.info.notAfter, deps.now())}`;
  return {
    info: made.info,
    certPem: made.pem,
    keyPem: made.key.pem,
    event: { id: row.id, action: "created", reason: "missing", detail },
    signer: made,
    changed: true,
  };
}

/** longestLeaf: the longest validity among the rows `row` signs (what an imported CA must outlive). */
function longestLeaf(row: CertRow, c: Cluster): Duration | null {
  const vs = CERTS.filter((r) => r.caId === row.id).map((r) => r.validity(c));
  return vs.reduce<Duration | null>((a, v) => (a && a.ms >= v.ms ? a : v), null);
}

// --- reading and checking a CA pair ---

/** CaSource: where a CA's two PEM texts come from; `spec` set when the spec names them (pki.ca). */
interface CaSource {
  cert: string;
  key: string;
  spec?: string;
  /** Where the spec names each file, for FILE:LINE:COL messages. */
  at?: Partial<Record<"certFile" | "keyFile", { line: number; col: number }>>;
}

/** caRefusal: an InputError (exit 2) about `file`, pointing at /pki/ca/<field> of the spec when the spec names it. */
function caRefusal(code: string, src: CaSource, field: "certFile" | "keyFile", message: string, hint?: string): InputError {
  const file = field === "certFile" ? src.cert : src.key;
  const text = `${file}: ${message}`;
  const problems: Problem[] = src.spec
    ? [{ file: src.spec, pointer: `/pki/ca/${field}`, message: text, severity: "error", ...(hint ? { hint } : {}), ...(src.at?.[field] ?? {}) }]
    : [];
  return new InputError(code, hint ? `${text} (try: ${hint})` : text, problems);
}

/** readText: a CA file through readInputFile (a regular file of at most CAPS.pem, checked before a byte is read); its refusal
 *  keeps the reader's code and words and points at the spec's field. */
function readText(file: string, src: CaSource, field: "certFile" | "keyFile"): string {
  try {
    return readInputFile(file, { what: "a PEM file", cap: CAPS.pem, code: "ca-file" }).toString("utf8");
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw caRefusal(e.code, src, field, e.problems[0]?.message ?? e.message);
  }
}

function readCaCertificate(text: string, src: CaSource): CertInfo {
  const der = certificateDers(text)[0];
  if (!der) throw caRefusal("ca-cert-unreadable", src, "certFile", "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  let info: CertInfo;
  try {
    info = readCertificate(der);
  } catch (e) {
    throw caRefusal("ca-cert-unreadable", src, "certFile", `the certificate cannot be parsed (${(e as Error).message})`);
  }
  if (!info.isCA) throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  if (info.keyUsage && !info.keyUsage.includes("keyCertSign")) {
    throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} may not sign certificates (keyUsage lacks keyCertSign)`);
  }
  return info;
}

/** readCaPair: the Signer of a CA's PEM texts; refuses unreadable PEM, encrypted or unsupported keys, mismatched pairs and non-CAs. */
async function readCaPair(certText: string, keyText: string, src: CaSource, crypto: Crypto): Promise<Signer> {
  const info = readCaCertificate(certText, src);
  if (isEncryptedPem(keyText)) {
    throw caRefusal("ca-key-encrypted", src, "keyFile", "the private key is encrypted; kubebundle needs it unencrypted", `openssl pkey -in ${src.key} -out ca-key-plain.pem`);
  }
  let keyObject;
  try {
    keyObject = readKeyObject(keyText);
  } catch {
    throw caRefusal("ca-key-unreadable", src, "keyFile", "not an unencrypted PEM private key (PKCS#1 RSA PRIVATE KEY, SEC1 EC PRIVATE KEY or PKCS#8 PRIVATE KEY)");
  }
  if (!info.x509.checkPrivateKey(keyObject)) {
    throw caRefusal("ca-key-mismatch", src, "keyFile", `does not match the certificate in ${src.cert}`);
  }
  const key = await importKeyPair(keyObject, crypto);
  if (!key) throw caRefusal("ca-key-unsupported", src, "keyFile", `a ${keyObject.asymmetricKeyType} key cannot sign here; use rsa or ecdsa P-256/P-384`);
  return { info, key };
}

/** checkCaDates: refuses a CA that is expired or not yet valid at `now`. */
function checkCaDates(info: CertInfo, src: CaSource, now: Date): void {
  if (info.notAfter.getTime() <= now.getTime()) {
    throw caRefusal("ca-expired", src, "certFile", `the CA expired on ${isoSeconds(info.notAfter)}`);
  }
  if (info.notBefore.getTime() > now.getTime()) {
    throw caRefusal("ca-not-yet-valid", src, "certFile", `the CA is not valid before ${isoSeconds(info.notBefore)}`);
  }
}

/** checkCaOutlives: refuses a CA that expires before a certificate of `validity` issued at `now` would. */
function checkCaOutlives(info: CertInfo, src: CaSource, now: Date, validity: Duration): void {
  const end = now.getTime() + validity.ms;
  if (info.notAfter.getTime() >= end) return;
  const hours = Math.floor((info.notAfter.getTime() - now.getTime()) / 3_600_000);
  const what = `the CA expires on ${isoSeconds(info.notAfter)}, before certificates issued now for ${validity.text} would (${isoSeconds(new Date(end))})`;
  throw caRefusal("ca-expires-too-soon", src, "certFile", `${what}; shorten pki.expiry or renew the CA`, hours >= 1 ? `"expiry": "${hours}h"` : undefined);
}
