// The pki stage: every row of the certificate table reused, imported, created or issued, in table order.
import type { Cluster } from "../spec/cluster.js";
import { CERTS } from "./certlist.js";
import { keyPool } from "./key-pool.js";
import { specKeyType } from "./algorithms.js";
import type { PkiDeps } from "./deps.js";
import type { Signer } from "./issue.js";
import type { Outcome, PkiEvent } from "./outcome.js";
import { resolveCa } from "./resolve-ca.js";
import { resolveLeaf } from "./resolve-leaf.js";
import type { PkiFiles } from "./state.js";
import { summarise, type CertSummary } from "./summary.js";

/** certainKeys: how many rows surely need a new key: no key file yet (and, for a CA, none imported). */
function certainKeys(cluster: Cluster, previous: PkiFiles): number {
  // A CA certificate without its key (or the reverse) is refused before any issuing: start nothing.
  const half = CERTS.some((r) => r.caId === null && previous.has(`${r.baseName}.pem`) !== previous.has(`${r.baseName}-key.pem`));
  if (half && !cluster.caFiles) return 0;
  return CERTS.filter((r) => !previous.has(`${r.baseName}-key.pem`) && !(r.caId === null && cluster.caFiles)).length;
}

/** PkiResult: the new out/pki/ state, every row's PEMs by id, one event and one summary per row (table order). */
export interface PkiResult {
  /** The complete new out/pki/ state; reused items keep their previous text byte for byte. */
  files: PkiFiles;
  certs: Record<string, { cert: string; key: string }>;
  events: PkiEvent[];
  summaries: CertSummary[];
}

/** reconcilePki: the PKI for `cluster` given the previous out/pki/ state; reads only the spec's CA files, writes nothing, generates keys only for what it issues. */
export async function reconcilePki(cluster: Cluster, previous: PkiFiles, given: PkiDeps): Promise<PkiResult> {
  const deps: PkiDeps = given.keys ? given : { ...given, keys: keyPool(certainKeys(cluster, previous), specKeyType(cluster.key), given) };
  const signers = new Map<string, Signer>();
  const changed = new Set<string>();
  const result: PkiResult = { files: new Map(), certs: {}, events: [], summaries: [] };
  for (const row of CERTS) {
    let out: Outcome;
    if (row.caId === null) out = await resolveCa(row, cluster, previous, deps);
    else {
      const ca = signers.get(row.caId);
      if (!ca) throw new Error(`row ${row.id}: its CA ${row.caId} is not resolved before it`);
      out = await resolveLeaf(row, ca, changed.has(row.caId), cluster, previous, deps);
    }
    if (out.signer) signers.set(row.id, out.signer);
    if (out.changed) changed.add(row.id);
    result.files.set(`${row.baseName}.pem`, out.certPem);
    result.files.set(`${row.baseName}-key.pem`, out.keyPem);
    result.certs[row.id] = { cert: out.certPem, key: out.keyPem };
    result.events.push(out.event);
    result.summaries.push(summarise(row, out.info));
  }
  return result;
}
