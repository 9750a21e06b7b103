// Whether a found certificate chains to a CA found beside it: same file first, then same folder, then anywhere under the path.
import { isIssuedBy, type CertInfo } from "../certinfo.js";
import type { FoundCert } from "./extract.js";

/** Parsed: a found certificate and its parsed form (null with `error` when it cannot be parsed). */
export interface Parsed {
  found: FoundCert;
  info: CertInfo | null;
  error?: string;
}

/** Chain: whether the certificate chains up to a self-signed CA, and through which CA ("self-signed" for a root). */
export interface Chain {
  chains: boolean;
  by: string | null;
}

/** MAX_DEPTH: longer chains are treated as broken (they are loops or nonsense here). */
const MAX_DEPTH = 8;

function closeness(a: FoundCert, b: FoundCert): number {
  return a.file === b.file ? 0 : a.dir === b.dir ? 1 : 2;
}

/** issuerOf: the nearest CA in `pool` whose subject and key signed `p`, or null. */
function issuerOf(p: Parsed & { info: CertInfo }, pool: readonly Parsed[]): (Parsed & { info: CertInfo }) | null {
  const cas = pool.filter((c): c is Parsed & { info: CertInfo } => c !== p && c.info !== null && c.info.isCA);
  const sorted = cas.sort((a, b) => closeness(p.found, a.found) - closeness(p.found, b.found));
  return sorted.find((c) => isIssuedBy(p.info, c.info)) ?? null;
}

/** chainOf: the Chain of `p` through the CAs of `pool`. */
export function chainOf(p: Parsed, pool: readonly Parsed[], depth = 0): Chain {
  if (!p.info || depth > MAX_DEPTH) return { chains: false, by: null };
  const info = p.info;
  if (isIssuedBy(info, info)) return { chains: true, by: "self-signed" };
  const ca = issuerOf({ ...p, info }, pool);
  if (!ca) return { chains: false, by: null };
  return { chains: chainOf(ca, pool, depth + 1).chains, by: ca.found.name };
}
