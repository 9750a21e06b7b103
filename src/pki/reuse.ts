// Whether a certificate from out/pki/ is still right for its row: every reason it is not.
import type { Cluster } from "../spec/cluster.js";
import { keyTypeName, sameKeyType, specKeyType } from "./algorithms.js";
import type { CertRow } from "./certlist.js";
import { isIssuedBy, type CertInfo } from "./certinfo.js";
import type { Reason } from "./outcome.js";
import { diffHosts } from "./sans.js";
import { daysLeft, isoSeconds, renewalWindowMs } from "./validity.js";
import { formatDn } from "./x500.js";

/** Finding: one reason a certificate cannot be reused, with its words. */
export interface Finding {
  reason: Reason;
  detail: string;
}

/** ReuseContext: what a leaf is checked against: its CA now, whether that CA changed in this run, and the time. */
export interface ReuseContext {
  ca: CertInfo;
  caChanged: boolean;
  now: Date;
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

/** reuseFindings: why `info` is not `row`'s certificate any more (CA, key, subject, SANs, validity, in that order); empty to reuse it. */
export function reuseFindings(row: CertRow, info: CertInfo, c: Cluster, x: ReuseContext): Finding[] {
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
