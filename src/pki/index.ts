// The pki stage's public surface.
export { realDeps, type PkiDeps, type Crypto } from "./deps.js";
export { readPkiDir, type PkiFiles } from "./state.js";
export { reconcilePki, type PkiResult, type PkiEvent, type Reason, type CertSummary, type Recorded } from "./reconcile.js";
export { CERTS, rowById, type CertRow } from "./certlist.js";
export { issue, type Issued, type Signer } from "./issue.js";
export { checkSpecCa } from "./ca.js";
