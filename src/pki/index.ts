// The pki stage's public surface.
export { realDeps, type PkiDeps, type Crypto } from "./deps.js";
export { readPkiDir, type PkiFiles } from "./state.js";
export { reconcilePki, type PkiResult } from "./reconcile.js";
export type { PkiEvent, Reason } from "./outcome.js";
export type { CertSummary } from "./summary.js";
export { CERTS, rowById, type CertRow } from "./certlist.js";
export { issue, type Issued, type Signer } from "./issue.js";

import { CERTS } from "./certlist.js";
import { realDeps as _realDeps } from "./deps.js";
import { checkImportedCa } from "./resolve-ca.js";
import type { Cluster } from "../spec/cluster.js";

/** checkSpecCa: the CA that `pki.ca` imports, read and checked as generate would (no-op without pki.ca); throws InputError. */
export async function checkSpecCa(cluster: Cluster): Promise<void> {
  const row = CERTS.find((r) => r.caId === null);
  if (cluster.caFiles && row) await checkImportedCa(row, cluster, _realDeps());
}
