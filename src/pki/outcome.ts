// What reconciling one row produced: the certificate, its key text, and the event that explains it.
import type { CertInfo } from "./certinfo.js";
import type { Signer } from "./issue.js";

/** Reason: why a certificate was not reused. */
export type Reason = "missing" | "ca-changed" | "subject-changed" | "sans-changed" | "key-changed" | "expiring" | "expired" | "unreadable";

/** PkiEvent: what happened to one row and why, in words for the operator ("SAN 10.0.0.4 added", "expires in 12 days"). */
export interface PkiEvent {
  id: string;
  action: "reused" | "issued" | "imported" | "created";
  reason?: Reason;
  detail: string;
}

/** Outcome: one row's certificate (parsed and PEM), key PEM, event; `signer` for CA rows; `changed` when the certificate differs from the previous run's. */
export interface Outcome {
  info: CertInfo;
  certPem: string;
  keyPem: string;
  event: PkiEvent;
  signer?: Signer;
  changed: boolean;
}
