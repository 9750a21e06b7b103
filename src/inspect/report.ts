// `kubebundle inspect`: one row per certificate under a path, and what is found about each: expired or not yet valid,
// expiring within the --warn window, a chain that does not verify (to a CA beside it or carried with it), a private key
// beside it (X.pem and X-key.pem, or a kubeconfig user's key) that does not match, a weak key or signature (the rules
// kubebundle holds an imported CA to, policy.ts). Errors make it exit 1, an expiry within the window alone 3.
import { createPrivateKey } from "node:crypto";
import { InputError } from "../errors.js";
import { isIssuedBy, readCertificate, type CertInfo } from "../pki/certinfo.js";
import { isEncryptedPem, keyTypeName } from "../pki/keys.js";
import { ACCEPTED_KEYS, keyWeakness, signatureWeakness } from "../pki/policy.js";
import { daysLeft, isoSeconds } from "../pki/x509/validity.js";
import { extractCertificates, readSources, type FoundCert } from "./sources.js";

/** FindingKind: what is wrong with a certificate, or about to be. */
export type FindingKind =
  | "unreadable"
  | "expired"
  | "not-yet-valid"
  | "expiring"
  | "chain"
  | "key-mismatch"
  | "key-unreadable"
  | "weak-key"
  | "weak-signature";

/** Finding: one thing inspect reports about a certificate; an error makes it exit 1, a warning (expiring) 3. */
export interface Finding {
  kind: FindingKind;
  severity: "error" | "warning";
  message: string;
}

/** PrivateKeyCheck: the private key found beside a certificate, and whether it belongs to it (null: encrypted or unreadable). */
export interface PrivateKeyCheck {
  file: string;
  matches: boolean | null;
}

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
  /** Expires within the --warn window (and has not yet). */
  expiring: boolean;
  chains: boolean;
  /** The CA it chains through ("self-signed" for a root), or null. */
  chainedTo: string | null;
  /** Every issuer up to the self-signed root, nearest first (empty for a root or a broken chain). */
  chain: string[];
  /** The private key found beside it, or null when there is none. */
  privateKey: PrivateKeyCheck | null;
  findings: Finding[];
  error?: string;
}

/** InspectReport: every certificate under `path` at `now` with its findings, the --warn window, and every finding as a line:
 *  `problems` (errors: exit 1) and `warnings` (expiring within the window: exit 3 when there is no problem). */
export interface InspectReport {
  path: string;
  now: string;
  warn: { text: string; ms: number };
  certificates: InspectRow[];
  problems: string[];
  warnings: string[];
}

/** InspectOptions: the clock and the --warn window. */
export interface InspectOptions {
  now?: Date;
  warn?: { text: string; ms: number };
}

/** DEFAULT_WARN: 30 days, as `--warn` defaults. */
export const DEFAULT_WARN = { text: "30d", ms: 30 * 86_400_000 };

// --- the window ---

const WINDOW_PART = /(\d+(?:\.\d+)?)(d|h|m|s)/y;
const WINDOW_UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** parseWindow: a --warn duration in milliseconds: "0", or Go-style parts with days allowed ("30d", "720h", "1d12h", "90m"); null otherwise. */
export function parseWindow(text: string): number | null {
  if (text === "0") return 0;
  if (text === "") return null;
  let ms = 0;
  for (let at = 0; at < text.length; at = WINDOW_PART.lastIndex) {
    WINDOW_PART.lastIndex = at;
    const m = WINDOW_PART.exec(text);
    if (!m) return null;
    ms += Number(m[1]) * WINDOW_UNIT_MS[m[2]!]!;
  }
  return Number.isFinite(ms) && ms <= 8.64e15 ? ms : null;
}

// --- rows ---

/** Parsed: a found certificate and its parsed form (null with `error` when it cannot be parsed). */
interface Parsed {
  found: FoundCert;
  info: CertInfo | null;
  error?: string;
}

type Known = Parsed & { info: CertInfo };

function parse(found: FoundCert): Parsed {
  try {
    return { found, info: readCertificate(found.der) };
  } catch (e) {
    return { found, info: null, error: (e as Error).message };
  }
}

/** checkKey: whether the private key beside a certificate is its own, with a finding when it is not or cannot be read. */
function checkKey(i: CertInfo, key: { name: string; text: string }): { check: PrivateKeyCheck; finding?: Finding } {
  if (isEncryptedPem(key.text)) return { check: { file: key.name, matches: null } };
  let matches: boolean;
  try {
    matches = i.x509.checkPrivateKey(createPrivateKey({ key: key.text, format: "pem", passphrase: "" }));
  } catch {
    return { check: { file: key.name, matches: null }, finding: { kind: "key-unreadable", severity: "error", message: `${key.name} beside it is not a readable private key` } };
  }
  return { check: { file: key.name, matches }, ...(matches ? {} : { finding: { kind: "key-mismatch", severity: "error", message: `${key.name} beside it is not its private key` } }) };
}

function row(p: Parsed, pool: readonly Parsed[], now: Date, warn: { text: string; ms: number }): InspectRow {
  const i = p.info;
  if (!i) {
    const blank = { subject: "", sans: [], issuer: "", key: "", serial: "", signatureAlgorithm: "", notBefore: "", notAfter: "", daysLeft: 0 };
    const error = p.error ?? "unreadable";
    const findings: Finding[] = [{ kind: "unreadable", severity: "error", message: `cannot be parsed (${error})` }];
    return { file: p.found.name, ...blank, isCA: false, expired: false, expiring: false, chains: false, chainedTo: null, chain: [], privateKey: null, findings, error };
  }
  const findings: Finding[] = [];
  const left = i.notAfter.getTime() - now.getTime();
  const expired = left <= 0;
  const expiring = !expired && left <= warn.ms;
  if (expired) findings.push({ kind: "expired", severity: "error", message: `expired on ${isoSeconds(i.notAfter)}` });
  else if (expiring) findings.push({ kind: "expiring", severity: "warning", message: `expires on ${isoSeconds(i.notAfter)}, in ${daysLeft(i.notAfter, now)} days: within --warn ${warn.text}` });
  if (i.notBefore.getTime() > now.getTime()) findings.push({ kind: "not-yet-valid", severity: "error", message: `not valid before ${isoSeconds(i.notBefore)}` });
  const chain = chainOf({ ...p, info: i }, pool);
  if (!chain.chains) findings.push({ kind: "chain", severity: "error", message: chain.why });
  const weakKey = keyWeakness(i);
  if (weakKey) findings.push({ kind: "weak-key", severity: "error", message: `has ${weakKey} (kubebundle accepts ${ACCEPTED_KEYS})` });
  const weakSig = signatureWeakness(i);
  if (weakSig) findings.push({ kind: "weak-signature", severity: "error", message: `is ${weakSig}, which can be forged` });
  const key = p.found.key ? checkKey(i, p.found.key) : null;
  if (key?.finding) findings.push(key.finding);
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
    expired,
    expiring,
    chains: chain.chains,
    chainedTo: chain.chains ? (chain.path[0] ?? "self-signed") : (chain.path[0] ?? null),
    chain: chain.chains ? chain.path : [],
    privateKey: key?.check ?? null,
    findings,
  };
}

/** inspectPath: the report of every certificate under `target` (a .pem, a folder, a node tarball); InputError when there is none. */
export async function inspectPath(target: string, o: InspectOptions | Date = {}): Promise<InspectReport> {
  const { now = new Date(), warn = DEFAULT_WARN } = o instanceof Date ? { now: o } : o;
  const found = extractCertificates(await readSources(target));
  const parsed = found.map(parse);
  const listed = parsed.filter((p) => !p.found.besideOnly);
  if (listed.length === 0) throw new InputError("inspect-no-certificates", `${target}: holds no certificate (PEM files, kubeconfigs or a node tarball)`);
  const certificates = listed.map((p) => row(p, parsed, now, warn));
  const lines = (severity: Finding["severity"]) => certificates.flatMap((r) => r.findings.filter((f) => f.severity === severity).map((f) => `${r.file}: ${f.message}`));
  return { path: target, now: isoSeconds(now), warn, certificates, problems: lines("error"), warnings: lines("warning") };
}

/** exitCode: 1 when the report has a problem, 3 when it only has certificates expiring within the window, else 0. */
export function exitCode(report: InspectReport): number {
  return report.problems.length > 0 ? 1 : report.warnings.length > 0 ? 3 : 0;
}

// --- chains: same file first, then same folder, then anywhere under the path ---

/** MAX_DEPTH: longer chains are treated as broken (they are loops or nonsense here). */
const MAX_DEPTH = 8;

function closeness(a: FoundCert, b: FoundCert): number {
  return a.file === b.file ? 0 : a.dir === b.dir ? 1 : 2;
}

/** issuerOf: the nearest certificate in `pool` that may issue `p` at `depth` CAs above it (a CA, keyCertSign when it has a
 *  keyUsage, a pathLenConstraint of at least `depth`) and whose subject and key signed it; `seen` are not taken again. */
function issuerOf(p: Known, pool: readonly Parsed[], depth: number, seen: ReadonlySet<Parsed>): Known | null {
  const cas = pool.filter(
    (c): c is Known =>
      !seen.has(c) && c.info !== null && c.info.isCA && (c.info.keyUsage === null || c.info.keyUsage.includes("keyCertSign")) && (c.info.pathLen === null || c.info.pathLen >= depth),
  );
  const sorted = cas.sort((a, b) => closeness(p.found, a.found) - closeness(p.found, b.found));
  return sorted.find((c) => isIssuedBy(p.info, c.info)) ?? null;
}

/** chainOf: the path from `p` up to a self-signed root through the CAs of `pool` (their names, nearest first), or why there is none. */
function chainOf(p: Known, pool: readonly Parsed[]): { chains: true; path: string[] } | { chains: false; path: string[]; why: string } {
  const path: string[] = [];
  const seen = new Set<Parsed>([p]);
  let cur = p;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if (isIssuedBy(cur.info, cur.info)) return { chains: true, path };
    const ca = issuerOf(cur, pool, depth, seen);
    if (!ca) {
      const where = cur === p ? "" : ` (its chain stops at ${cur.found.name})`;
      return { chains: false, path, why: `does not chain to a CA found beside it or carried with it${where} (issuer ${cur.info.issuer})` };
    }
    path.push(ca.found.name);
    seen.add(ca);
    cur = ca;
  }
  return { chains: false, path, why: `its chain is longer than ${MAX_DEPTH} CAs` };
}
