// The pki stage: every row of the certificate table reused, imported, created or issued, in table order,
// with the event that explains each and the public summary of each certificate.
import type { Cluster } from "../spec/cluster.js";
import { resolveCa } from "./ca.js";
import type { CertInfo } from "./certinfo.js";
import { certInstances, type CertRow } from "./certlist.js";
import type { PkiDeps } from "./deps.js";
import type { Signer } from "./issue.js";
import { keyPool, keyTypeName, specKeyType } from "./keys.js";
import { resolveLeaf } from "./leaf.js";
import type { PkiFiles } from "./state.js";
import { isoSeconds } from "./x509/validity.js";

/** Reason: why a certificate was not reused. */
export type Reason = "missing" | "ca-changed" | "subject-changed" | "sans-changed" | "key-changed" | "expiring" | "expired" | "unreadable";

/** PkiEvent: what happened to one row and why, in words for the operator ("SAN 10.0.0.4 added", "expires in 12 days"). */
export interface PkiEvent {
  id: string;
  action: "reused" | "issued" | "imported" | "created" | "dropped";
  reason?: Reason;
  detail: string;
}

/** Outcome: one row's certificate (parsed and PEM), key PEM, event; `signer` for CA rows; `changed` when the certificate differs from the previous run's. */
export interface Outcome {
  info: CertInfo;
  /** The certificate alone (what kube-controller-manager's --cluster-signing-cert-file must hold for a CA: one certificate). */
  certPem: string;
  /** An intermediate CA's certificate followed by its issuers up to the root; absent for a self-signed CA and for leaves. */
  chainPem?: string;
  keyPem: string;
  event: PkiEvent;
  signer?: Signer;
  changed: boolean;
}

/** CertSummary: subject, sorted SANs, issuer, serial (hex), dates (ISO 8601, whole seconds) and key type of a row's certificate, as the manifest and `generate` print them. */
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

/** PkiResult: the new out/pki/ state, every row's PEMs by id, one event and one summary per row (table order). */
export interface PkiResult {
  /** The complete new out/pki/ state; reused items keep their previous text byte for byte; a CA's file carries its chain. */
  files: PkiFiles;
  /** Each row's certificate alone, its key, and for a CA row the chain to ship wherever the CA is trusted (the CA followed
   *  by its issuers up to the root; the CA alone when it is self-signed). */
  certs: Record<string, { cert: string; key: string; chain?: string }>;
  events: PkiEvent[];
  summaries: CertSummary[];
}

/** Recorded: a certificate the last run's manifest lists (read defensively: the manifest may have been edited by hand). */
export interface Recorded {
  id?: unknown;
  subject?: unknown;
  serial?: unknown;
}

/** reconcilePki: the PKI for `cluster` given the previous out/pki/ state and the certificates the last run recorded (its
 *  manifest); reads only the spec's CA files, writes nothing, generates keys only for what it issues. A CA the last run
 *  made that out/pki no longer holds is an InputError, never replaced by a new one. */
export async function reconcilePki(cluster: Cluster, previous: PkiFiles, given: PkiDeps, recorded: readonly Recorded[] = []): Promise<PkiResult> {
  const deps: PkiDeps = given.keys ? given : { ...given, keys: keyPool(certainKeys(cluster, previous), specKeyType(cluster.key), given) };
  const signers = new Map<string, Signer>();
  const changed = new Set<string>();
  const result: PkiResult = { files: new Map(), certs: {}, events: [], summaries: [] };
  const rows = certInstances(cluster);
  for (const row of rows) {
    let out: Outcome;
    if (row.caId === null) out = await resolveCa(row, cluster, previous, deps, recorded.find((r) => r?.id === row.id));
    else {
      const ca = signers.get(row.caId);
      if (!ca) throw new Error(`row ${row.id}: its CA ${row.caId} is not resolved before it`);
      out = await resolveLeaf(row, ca, changed.has(row.caId), cluster, previous, deps);
    }
    if (out.signer) signers.set(row.id, out.signer);
    if (out.changed) changed.add(row.id);
    result.files.set(`${row.baseName}.pem`, out.chainPem ?? out.certPem);
    result.files.set(`${row.baseName}-key.pem`, out.keyPem);
    result.certs[row.id] = { cert: out.certPem, key: out.keyPem, ...(row.isCA ? { chain: out.chainPem ?? out.certPem } : {}) };
    result.events.push(out.event);
    result.summaries.push(summarise(row, out.info));
  }
  // A pair the previous run kept that no row of this run has (a component no longer generated, a node removed, the shared
  // certificate of the layout before per-node ones) is dropped from out/pki, and said.
  const kept = new Set(rows.map((r) => r.baseName));
  for (const name of previous.keys()) {
    const base = name.replace(/(-key)?\.pem$/, "");
    if (name.endsWith("-key.pem") || kept.has(base) || !previous.has(`${base}-key.pem`)) continue;
    result.events.push({ id: base, action: "dropped", detail: `out/pki/${base}.pem and ${base}-key.pem belong to no certificate of this spec any more: removed` });
  }
  return result;
}

/** certainKeys: how many rows surely need a new key: no key file yet (and, for a CA, none imported). These start together, before the first certificate is issued. */
function certainKeys(cluster: Cluster, previous: PkiFiles): number {
  const rows = certInstances(cluster);
  // A CA certificate without its key (or the reverse) is refused before any issuing: start nothing.
  const half = rows.some((r) => r.caId === null && previous.has(`${r.baseName}.pem`) !== previous.has(`${r.baseName}-key.pem`));
  const imported = (r: CertRow) => r.caId === null && r.imported?.(cluster) != null;
  if (half && !rows.some(imported)) return 0;
  return rows.filter((r) => !previous.has(`${r.baseName}-key.pem`) && !imported(r)).length;
}

/** summarise: the CertSummary of `row`'s certificate `info`. */
function summarise(row: CertRow, info: CertInfo): CertSummary {
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
