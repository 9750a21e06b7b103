// The pki stage's public surface.
export { realDeps, type PkiDeps, type Crypto } from "./deps.js";
export { readPkiDir, type PkiFiles } from "./state.js";
export { reconcilePki, type PkiResult } from "./reconcile.js";
export type { PkiEvent, Reason } from "./outcome.js";
export type { CertSummary } from "./summary.js";
export { CERTS, rowById, type CertRow } from "./certlist.js";
export { issue, type Issued, type Signer } from "./issue.js";
