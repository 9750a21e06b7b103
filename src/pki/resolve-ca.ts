// A CA row: imported from the spec's files, reused from out/pki/, or created; never replaced silently.
import { readFileSync } from "node:fs";
import type { Cluster } from "../spec/cluster.js";
import type { Duration } from "../spec/duration.js";
import { InputError } from "../errors.js";
import { keyTypeName, specKeyType } from "./algorithms.js";
import { CERTS, type CertRow } from "./certlist.js";
import { caRefusal, checkCaDates, checkCaOutlives, readCaPair, type CaSource } from "./ca-pair.js";
import type { PkiDeps } from "./deps.js";
import { issue, type Signer } from "./issue.js";
import type { Outcome } from "./outcome.js";
import { certificateDers, toPem } from "./pem.js";
import { pkiPath, type PkiFiles } from "./state.js";
import { daysLeft, isoSeconds, renewalWindowMs } from "./validity.js";
import { formatDn } from "./x500.js";

function readText(file: string, src: CaSource, field: "certFile" | "keyFile"): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw caRefusal("ca-file-unreadable", src, field, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** longestLeaf: the longest validity among the rows `row` signs (what an imported CA must outlive). */
function longestLeaf(row: CertRow, c: Cluster): Duration | null {
  const vs = CERTS.filter((r) => r.caId === row.id).map((r) => r.validity(c));
  return vs.reduce<Duration | null>((a, v) => (a && a.ms >= v.ms ? a : v), null);
}

function until(d: Date, now: Date): string {
  return `valid until ${isoSeconds(d)} (${daysLeft(d, now)} days left)`;
}

/** checkImportedCa: the CA that `pki.ca` names, read and checked (a CA, key matching, not expired, outliving its leaves); throws InputError naming the file. */
export async function checkImportedCa(row: CertRow, c: Cluster, deps: PkiDeps): Promise<Signer> {
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
  const detail = [`from ${files.cert} (${keyTypeName(signer.key.type)}, ${until(signer.info.notAfter, now)})`];
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
  const detail = [until(info.notAfter, now), ...notes].join("; ");
  return { info, certPem, keyPem, event: { id: row.id, action: "reused", detail }, signer, changed: false };
}

async function createCa(row: CertRow, c: Cluster, deps: PkiDeps): Promise<Outcome> {
  const made = await issue(row, null, c, deps);
  const detail = `new ${keyTypeName(made.key.type)} CA ${made.info.subject}, ${until(made.info.notAfter, deps.now())}`;
  return {
    info: made.info,
    certPem: made.pem,
    keyPem: made.key.pem,
    event: { id: row.id, action: "created", reason: "missing", detail },
    signer: made,
    changed: true,
  };
}

/** resolveCa: the spec's imported CA (wins over out/pki/), else the CA in out/pki/, else a new one. */
export async function resolveCa(row: CertRow, c: Cluster, previous: PkiFiles, deps: PkiDeps): Promise<Outcome> {
  const files = row.imported?.(c);
  if (files) return importCa(row, files, c, previous, deps);
  if (previous.has(`${row.baseName}.pem`) || previous.has(`${row.baseName}-key.pem`)) return storedCa(row, c, previous, deps);
  return createCa(row, c, deps);
}
