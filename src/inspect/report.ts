// `kubebundle inspect`: one row per certificate under a path, whether it chains to a CA found beside it, and the
// problems that make it exit 1 (expired, not chaining, unreadable).
import { InputError } from "../errors.js";
import { isIssuedBy, readCertificate, type CertInfo } from "../pki/certinfo.js";
import { keyTypeName } from "../pki/keys.js";
import { daysLeft, isoSeconds } from "../pki/x509/validity.js";
import { extractCertificates, readSources, type FoundCert } from "./sources.js";

/** InspectRow: what `inspect` shows of one certificate (`error` set when it cannot be parsed). */
export interface InspectRow {
  file: string;
  subject: string;
  sans: string[];
  issuer: string;
  key: string;
  serial: string;
  signatureAlgorithm: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  isCA: boolean;
  expired: boolean;
  chains: boolean;
  /** The CA it chains through ("self-signed" for a root), or null. */
  chainedTo: string | null;
  error?: string;
}

/** InspectReport: every certificate under `path` at `now`, and one line per problem (expired, not chaining, unreadable). */
export interface InspectReport {
  path: string;
  now: string;
  certificates: InspectRow[];
  problems: string[];
}

function parse(found: FoundCert): Parsed {
  try {
    return { found, info: readCertificate(found.der) };
  } catch (e) {
    return { found, info: null, error: (e as Error).message };
  }
}

function row(p: Parsed, pool: readonly Parsed[], now: Date): InspectRow {
  const chain = chainOf(p, pool);
  const i = p.info;
  if (!i) {
    const blank = { subject: "", sans: [], issuer: "", key: "", serial: "", signatureAlgorithm: "", notBefore: "", notAfter: "", daysLeft: 0 };
    return { file: p.found.name, ...blank, isCA: false, expired: false, chains: false, chainedTo: null, error: p.error ?? "unreadable" };
  }
  return {
    file: p.found.name,
    subject: i.subject,
    sans: i.sans,
    issuer: i.issuer,
    key: i.keyType ? keyTypeName(i.keyType) : "unknown",
    serial: i.serial,
    signatureAlgorithm: i.signatureAlgorithm,
    notBefore: isoSeconds(i.notBefore),
    notAfter: isoSeconds(i.notAfter),
    daysLeft: daysLeft(i.notAfter, now),
    isCA: i.isCA,
    expired: i.notAfter.getTime() <= now.getTime(),
    chains: chain.chains,
    chainedTo: chain.by,
  };
}

function problemsOf(r: InspectRow): string[] {
  if (r.error) return [`${r.file}: cannot be parsed (${r.error})`];
  const out: string[] = [];
  if (r.expired) out.push(`${r.file}: expired on ${r.notAfter}`);
  if (!r.chains) out.push(`${r.file}: does not chain to a CA found beside it (issuer ${r.issuer})`);
  return out;
}

/** inspectPath: the report of every certificate under `target` (a .pem, a folder, a node tarball); InputError when there is none. */
export async function inspectPath(target: string, now: Date = new Date()): Promise<InspectReport> {
  const found = extractCertificates(await readSources(target));
  const parsed = found.map(parse);
  const listed = parsed.filter((p) => !p.found.besideOnly);
  if (listed.length === 0) throw new InputError("inspect-no-certificates", `${target}: holds no certificate (PEM files, kubeconfigs or a node tarball)`);
  const certificates = listed.map((p) => row(p, parsed, now));
  return { path: target, now: isoSeconds(now), certificates, problems: certificates.flatMap(problemsOf) };
}

// --- chains: same file first, then same folder, then anywhere under the path ---

/** Parsed: a found certificate and its parsed form (null with `error` when it cannot be parsed). */
interface Parsed {
  found: FoundCert;
  info: CertInfo | null;
  error?: string;
}

/** Chain: whether the certificate chains up to a self-signed CA, and through which CA ("self-signed" for a root). */
interface Chain {
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
function chainOf(p: Parsed, pool: readonly Parsed[], depth = 0): Chain {
  if (!p.info || depth > MAX_DEPTH) return { chains: false, by: null };
  const info = p.info;
  if (isIssuedBy(info, info)) return { chains: true, by: "self-signed" };
  const ca = issuerOf({ ...p, info }, pool);
  if (!ca) return { chains: false, by: null };
  return { chains: chainOf(ca, pool, depth + 1).chains, by: ca.found.name };
}
