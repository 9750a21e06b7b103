// CA resolution: a CA row is imported from the spec's files, reused from out/pki/, or created; never
// replaced silently. Every CA file is checked as a cautious verifier would (a CA that may sign, a matching key of an
// accepted type and size, no MD5 or SHA-1 signature, dates, nameConstraints and pathLen that allow what kubebundle
// issues, and a chain up to a self-signed root when the CA is an intermediate), with a message naming the file.
import path from "node:path";
import { InputError, type Problem } from "../errors.js";
import { CAPS, readInputFile } from "../input-file.js";
import type { CaFiles, Cluster } from "../spec/cluster.js";
import type { Duration } from "../spec/duration.js";
import { isIssuedBy, readCertificate, type CertInfo } from "./certinfo.js";
import { certInstances, type CertRow } from "./certlist.js";
import { realDeps, type Crypto, type PkiDeps } from "./deps.js";
import { issue, type Signer } from "./issue.js";
import { importKeyPair, isEncryptedPem, keyTypeName, readKeyObject, specKeyType } from "./keys.js";
import type { Outcome, Recorded } from "./reconcile.js";
import { ACCEPTED_KEYS, keyWeakness, signatureWeakness } from "./policy.js";
import { pkiPath, type PkiFiles } from "./state.js";
import { constraintViolations, readNameConstraints, type Names } from "./x509/constraints.js";
import { certificateDers, toPem } from "./x509/pem.js";
import { daysLeft, isoSeconds, renewalWindowMs, validUntil } from "./x509/validity.js";
import { formatDn } from "./x509/x500.js";

/** resolveCa: the spec's imported CA (wins over out/pki/), else the CA in out/pki/, else a new one, unless the last run
 *  recorded a CA (`recorded`, from its manifest) that out/pki/ has lost: that is refused, with the ways out. */
export async function resolveCa(row: CertRow, c: Cluster, previous: PkiFiles, deps: PkiDeps, recorded?: Recorded): Promise<Outcome> {
  const files = row.imported?.(c);
  if (files) return importCa(row, files, c, previous, deps);
  const [certName, keyName] = [`${row.baseName}.pem`, `${row.baseName}-key.pem`];
  const missing = [certName, keyName].filter((n) => !previous.has(n));
  if (recorded && missing.length > 0) throw lostCa(row, previous, missing, recorded);
  if (missing.length < 2) return storedCa(row, c, previous, deps);
  return createCa(row, c, deps);
}

/** lostCa: the refusal for a CA that the last run made (its manifest lists it) and that out/pki/ no longer holds whole:
 *  a new CA would split the cluster (nodes, kubeconfigs and service-account tokens trust the old one). */
function lostCa(row: CertRow, previous: PkiFiles, missing: string[], recorded: Recorded): InputError {
  const files = missing.map((n) => pkiPath(previous, n));
  const pki = path.dirname(files[0]!);
  const out = path.dirname(pki);
  const what = typeof recorded.subject === "string" ? ` ${recorded.subject}` : "";
  const serial = typeof recorded.serial === "string" ? ` (serial ${recorded.serial})` : "";
  const message =
    `${files.join(" and ")}: missing, but ${path.join(out, "manifest.json")} says the last run made the ${row.longName}${what}${serial} there. ` +
    `kubebundle never replaces a CA silently: every node, kubeconfig and service-account token of the cluster trusts this one. ` +
    `Restore ${pki} from a backup (or import the CA again with pki.ca); to start a new cluster with a new CA on purpose, remove ${out} or generate into another --out`;
  return new InputError("pki-state-lost", message);
}

/** checkSpecCa: every CA the spec imports (`pki.ca`, `pki.etcdCA`) that this spec uses, read and checked as generate
 *  would; throws InputError. */
export async function checkSpecCa(cluster: Cluster): Promise<void> {
  for (const row of certInstances(cluster)) {
    const files = row.caId === null ? row.imported?.(cluster) : null;
    if (files) await checkImportedCa(row, files, cluster, realDeps());
  }
}

// --- import, reuse, create ---

/** Imported: an imported or stored CA: its Signer and the issuers that follow it in its file, up to the root. */
interface Chained {
  signer: Signer;
  issuers: CertInfo[];
}

/** checkImportedCa: the CA that `pki.ca` names, read and checked (see readCaPair and checkChain; not expired, outliving its leaves); throws InputError naming the file. */
async function checkImportedCa(row: CertRow, files: CaFiles, c: Cluster, deps: PkiDeps): Promise<Chained> {
  const src: CaSource = { cert: files.cert, key: files.key, spec: c.shown, field: files.field, at: files.at };
  const now = deps.now();
  const read = await readCaPair(readText(files.cert, src, "certFile"), readText(files.key, src, "keyFile"), src, deps.crypto);
  checkCaDates(read.signer.info, src, now);
  checkChain(row, [read.signer.info, ...read.issuers], src, c, now);
  const leaf = longestLeaf(row, c);
  if (leaf) checkCaOutlives([read.signer.info, ...read.issuers], src, now, leaf);
  return read;
}

/** chainPem: the CA's PEM followed by its issuers' (what out/pki/ca.pem, admin/ca.pem and kubeconfigs carry); undefined without issuers. */
function chainPem(certPem: string, issuers: readonly CertInfo[]): string | undefined {
  return issuers.length > 0 ? certPem + issuers.map((i) => toPem("CERTIFICATE", i.der)).join("") : undefined;
}

/** chainNote: "; with its chain up to <root>" for an event, or "". */
function chainNote(issuers: readonly CertInfo[]): string {
  const root = issuers.at(-1);
  return root ? `; with its chain up to ${root.subject} (${issuers.length} issuer${issuers.length === 1 ? "" : "s"})` : "";
}

async function importCa(row: CertRow, files: CaFiles, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const now = deps.now();
  const { signer, issuers } = await checkImportedCa(row, files, c, deps);
  const prev = previous.get(`${row.baseName}.pem`);
  const prevDer = prev !== undefined ? certificateDers(prev)[0] : undefined;
  const changed = !prevDer || !Buffer.from(prevDer).equals(Buffer.from(signer.info.der));
  const detail = [`from ${files.cert} (${keyTypeName(signer.key.type)}, ${validUntil(signer.info.notAfter, now)})${chainNote(issuers)}`];
  if (prev !== undefined && changed) detail.push(`replaces ${pkiPath(previous, `${row.baseName}.pem`)}; every certificate it signed is re-issued`);
  const reason = prev === undefined ? ("missing" as const) : changed ? ("ca-changed" as const) : undefined;
  const certPem = toPem("CERTIFICATE", signer.info.der);
  const chain = chainPem(certPem, issuers);
  return {
    info: signer.info,
    certPem,
    ...(chain ? { chainPem: chain } : {}),
    keyPem: signer.key.pem,
    event: { id: row.id, action: "imported", ...(reason ? { reason } : {}), detail: detail.join("; ") },
    signer,
    changed,
  };
}

async function storedCa(row: CertRow, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const [certName, keyName] = [`${row.baseName}.pem`, `${row.baseName}-key.pem`];
  const src: CaSource = { cert: pkiPath(previous, certName), key: pkiPath(previous, keyName) };
  const text = previous.get(certName);
  const keyPem = previous.get(keyName);
  const remove = `remove ${src.cert} and ${src.key}`;
  if (text === undefined || keyPem === undefined) {
    const [missing, present] = text === undefined ? [src.cert, src.key] : [src.key, src.cert];
    throw new InputError("pki-state-incomplete", `${missing}: missing beside ${present}; restore it, or remove ${present} to create a new CA`);
  }
  const now = deps.now();
  const { signer, issuers } = await readCaPair(text, keyPem, src, deps.crypto);
  checkCaDates(signer.info, src, now);
  checkChain(row, [signer.info, ...issuers], src, c, now);
  const info = signer.info;
  const notes = keptNotes(row, { ...info, key: keyTypeName(signer.key.type) }, c, now, remove);
  const detail = [validUntil(info.notAfter, now) + chainNote(issuers), ...notes].join("; ");
  // The file is kept byte for byte; with a chain in it, the CA alone is its first block.
  const certPem = issuers.length > 0 ? toPem("CERTIFICATE", info.der) : text;
  return { info, certPem, ...(issuers.length > 0 ? { chainPem: text } : {}), keyPem, event: { id: row.id, action: "reused", detail }, signer, changed: false };
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
  const vs = certInstances(c).filter((r) => r.caId === row.id).map((r) => r.validity(c));
  return vs.reduce<Duration | null>((a, v) => (a && a.ms >= v.ms ? a : v), null);
}

// --- reading and checking a CA pair ---

/** CaSource: where a CA's two PEM texts come from; `spec` set when the spec names them (pki.ca). */
interface CaSource {
  cert: string;
  key: string;
  spec?: string;
  /** The `pki` field naming the files (`ca`, `etcdCA`), when the spec names them. */
  field?: string;
  /** Where the spec names each file, for FILE:LINE:COL messages. */
  at?: Partial<Record<"certFile" | "keyFile", { line: number; col: number }>>;
}

/** caRefusal: an InputError (exit 2) about `file`, pointing at /pki/ca/<field> of the spec when the spec names it. */
function caRefusal(code: string, src: CaSource, field: "certFile" | "keyFile", message: string, hint?: string): InputError {
  const file = field === "certFile" ? src.cert : src.key;
  const text = `${file}: ${message}`;
  const problems: Problem[] = src.spec
    ? [{ file: src.spec, pointer: `/pki/${src.field ?? "ca"}/${field}`, message: text, severity: "error", ...(hint ? { hint } : {}), ...(src.at?.[field] ?? {}) }]
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

/** readCaCertificates: every certificate of a CA file, the CA first; refuses a file without one, a block that does not
 *  parse, and a first certificate that is no CA or may not sign certificates. */
function readCaCertificates(text: string, src: CaSource): CertInfo[] {
  const ders = certificateDers(text);
  if (ders.length === 0) throw caRefusal("ca-cert-unreadable", src, "certFile", "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  const certs = ders.map((der, i) => {
    try {
      return readCertificate(der);
    } catch (e) {
      const which = i === 0 ? "the certificate" : `certificate ${i + 1} of the file`;
      throw caRefusal("ca-cert-unreadable", src, "certFile", `${which} cannot be parsed (${(e as Error).message})`);
    }
  });
  const info = certs[0]!;
  if (!info.isCA) throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  if (info.keyUsage && !info.keyUsage.includes("keyCertSign")) {
    throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} may not sign certificates (keyUsage lacks keyCertSign)`);
  }
  return certs;
}

/** readCaPair: the Signer of a CA's PEM texts and the issuers after it; refuses unreadable PEM, encrypted or unsupported keys, mismatched pairs and non-CAs. */
async function readCaPair(certText: string, keyText: string, src: CaSource, crypto: Crypto): Promise<Chained> {
  const [info, ...issuers] = readCaCertificates(certText, src);
  if (isEncryptedPem(keyText)) {
    throw caRefusal("ca-key-encrypted", src, "keyFile", "the private key is encrypted; kubebundle needs it unencrypted", `openssl pkey -in ${src.key} -out ca-key-plain.pem`);
  }
  let keyObject;
  try {
    keyObject = readKeyObject(keyText);
  } catch {
    throw caRefusal("ca-key-unreadable", src, "keyFile", "not an unencrypted PEM private key (PKCS#1 RSA PRIVATE KEY, SEC1 EC PRIVATE KEY or PKCS#8 PRIVATE KEY)");
  }
  if (!info!.x509.checkPrivateKey(keyObject)) {
    throw caRefusal("ca-key-mismatch", src, "keyFile", `does not match the certificate in ${src.cert}`);
  }
  const key = await importKeyPair(keyObject, crypto);
  if (!key) {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const what = curve ? `an ${keyObject.asymmetricKeyType} key on ${curve}` : `a ${keyObject.asymmetricKeyType} key`;
    throw caRefusal("ca-key-unsupported", src, "keyFile", `${what} cannot sign here; use rsa or ecdsa P-256/P-384`);
  }
  return { signer: { info: info!, key }, issuers };
}

/** checkChain: the rules every certificate of a CA's file must meet, the CA first, then each issuer up to the root: an
 *  accepted key and signature (policy.ts), each issuer a CA that may sign and signed the one before it, valid now, with a
 *  pathLenConstraint that allows the CAs below it, the last one self-signed; and no nameConstraints among them that
 *  forbid a name kubebundle writes into the certificates the CA signs. */
function checkChain(row: CertRow, certs: readonly CertInfo[], src: CaSource, c: Cluster, now: Date): void {
  const label = (i: number) => (i === 0 ? certs[0]!.subject : `certificate ${i + 1} of the file (${certs[i]!.subject})`);
  const refuse = (code: string, message: string) => caRefusal(code, src, "certFile", message);
  certs.forEach((x, i) => {
    const weakKey = keyWeakness(x);
    if (weakKey) throw refuse("ca-weak-key", `${label(i)} has ${weakKey}; kubebundle accepts ${ACCEPTED_KEYS}`);
    const weakSig = signatureWeakness(x);
    if (weakSig) throw refuse("ca-weak-signature", `${label(i)} is ${weakSig}, which can be forged; re-issue it signed with SHA-256 or better`);
    if (i === 0) return;
    const below = label(i - 1);
    if (!x.isCA) throw refuse("ca-chain-broken", `${label(i)} is not a CA certificate, so it cannot have issued ${below}`);
    if (!isIssuedBy(certs[i - 1]!, x)) {
      throw refuse("ca-chain-broken", `${label(i)} did not issue ${below}; list the CA first, then each issuer in turn up to the root`);
    }
    if (x.keyUsage && !x.keyUsage.includes("keyCertSign")) throw refuse("ca-chain-broken", `${label(i)} may not sign certificates (keyUsage lacks keyCertSign)`);
    if (x.pathLen !== null && x.pathLen < i) {
      throw refuse("ca-path-length", `${label(i)} has pathLenConstraint ${x.pathLen}, which forbids the ${i} CA certificate${i === 1 ? "" : "s"} below it`);
    }
    if (x.notAfter.getTime() <= now.getTime()) throw refuse("ca-chain-expired", `${label(i)} expired on ${isoSeconds(x.notAfter)}`);
    if (x.notBefore.getTime() > now.getTime()) throw refuse("ca-chain-expired", `${label(i)} is not valid before ${isoSeconds(x.notBefore)}`);
  });
  const last = certs.length - 1;
  if (!isIssuedBy(certs[last]!, certs[last]!)) {
    const tail = `append its issuer${last === 0 ? "s" : ""} to the file, up to the self-signed root, so that openssl, kubectl and inspect can verify what it signs`;
    throw refuse("ca-chain-incomplete", last === 0 ? `${label(0)} is not self-signed (issuer ${certs[0]!.issuer}); ${tail}` : `the chain ends at ${label(last)}, which is not self-signed (issuer ${certs[last]!.issuer}); ${tail}`);
  }
  const names = leafNames(row, c);
  certs.forEach((x, i) => {
    const nc = readNameConstraints(x.cert);
    const found = nc ? constraintViolations(nc, names) : [];
    if (found.length > 0) throw refuse("ca-name-constraints", `the nameConstraints of ${label(i)} forbid names kubebundle writes into the certificates it signs: ${found.join("; ")}`);
  });
}

/** leafNames: every SAN and subject kubebundle writes into the certificates `row` signs. */
function leafNames(row: CertRow, c: Cluster): Names {
  const leaves = certInstances(c).filter((r) => r.caId === row.id);
  return { hosts: leaves.flatMap((r) => r.hosts(c)), subjects: leaves.map((r) => r.subject(c)) };
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

/** checkCaOutlives: refuses a CA (or a certificate of its chain) that expires before a certificate of `validity` issued at `now` would. */
function checkCaOutlives(certs: readonly CertInfo[], src: CaSource, now: Date, validity: Duration): void {
  const end = now.getTime() + validity.ms;
  const first = certs.reduce((a, x) => (x.notAfter.getTime() < a.notAfter.getTime() ? x : a));
  if (first.notAfter.getTime() >= end) return;
  const hours = Math.floor((first.notAfter.getTime() - now.getTime()) / 3_600_000);
  const who = first === certs[0] ? "the CA" : `${first.subject}, in the CA's chain,`;
  const what = `${who} expires on ${isoSeconds(first.notAfter)}, before certificates issued now for ${validity.text} would (${isoSeconds(new Date(end))})`;
  throw caRefusal("ca-expires-too-soon", src, "certFile", `${what}; shorten pki.expiry or renew the CA`, hours >= 1 ? `"expiry": "${hours}h"` : undefined);
}
