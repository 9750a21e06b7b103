// nameConstraints (RFC 5280 4.2.1.10): which names a CA's certificate lets the certificates below it carry. kubebundle
// checks the names it would write (IP and DNS SANs, subjects) before it signs anything with an imported CA, as a
// verifier (Go, openssl) checks them after.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseIp } from "../../spec/ip.js";
import { formatDn, fromRdns } from "./x500.js";

/** Subtree: one base of a permitted or excluded subtree, in the kinds kubebundle writes names of; others are kept as "other". */
export type Subtree =
  | { kind: "dns"; name: string }
  | { kind: "ip"; net: Uint8Array; mask: Uint8Array }
  | { kind: "dn"; dn: [string, string][] }
  | { kind: "other"; type: number };

/** NameConstraints: the permitted and excluded subtrees of one CA certificate. */
export interface NameConstraints {
  permitted: Subtree[];
  excluded: Subtree[];
}

/** Names: what kubebundle would put in the certificates a CA signs: SANs (IPs and DNS names) and subjects. */
export interface Names {
  hosts: readonly string[];
  subjects: readonly (readonly (readonly [string, string])[])[];
}

/** UNREADABLE: the type of the one permitted "subtree" of an extension that cannot be parsed: no name fits it. */
const UNREADABLE = -1;

function subtree(g: pkijs.GeneralSubtree): Subtree {
  const n = g.base;
  if (n.type === 2) return { kind: "dns", name: String(n.value).toLowerCase().replace(/\.$/, "") };
  if (n.type === 7) {
    const b = new Uint8Array((n.value as asn1js.OctetString).valueBlock.valueHexView);
    const half = b.length / 2;
    return { kind: "ip", net: b.slice(0, half), mask: b.slice(half) };
  }
  if (n.type === 4) return { kind: "dn", dn: fromRdns(n.value as pkijs.RelativeDistinguishedNames) };
  return { kind: "other", type: n.type };
}

/** readNameConstraints: the nameConstraints extension of `cert`, or null when it has none. */
export function readNameConstraints(cert: pkijs.Certificate): NameConstraints | null {
  const ext = cert.extensions?.find((e) => e.extnID === pkijs.id_NameConstraints);
  if (!ext) return null;
  const nc = ext.parsedValue as pkijs.NameConstraints | undefined;
  if (!nc) return { permitted: [{ kind: "other", type: UNREADABLE }], excluded: [] }; // nothing can be shown to fit
  return { permitted: (nc.permittedSubtrees ?? []).map(subtree), excluded: (nc.excludedSubtrees ?? []).map(subtree) };
}

/** showSubtree: a subtree as a message prints it ("10.0.0.0/8", "DNS .example.com", "C=CN, O=acme"). */
export function showSubtree(s: Subtree): string {
  if (s.kind === "dns") return `DNS ${s.name === "" ? "(any)" : s.name}`;
  if (s.kind === "dn") return `directoryName ${formatDn(s.dn)}`;
  if (s.kind === "other") return s.type === UNREADABLE ? "an unreadable nameConstraints extension" : `a name of type ${s.type}`;
  const bits = [...s.mask].reduce((n, byte) => n + byte.toString(2).replace(/0/g, "").length, 0);
  const ip = s.net.length === 4 ? [...s.net].join(".") : (parseIp(ipv6Text(s.net))?.text ?? ipv6Text(s.net));
  return `IP ${ip}/${bits}`;
}

function ipv6Text(b: Uint8Array): string {
  return Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16)).join(":");
}

/** dnsWithin: RFC 5280's rule: "example.com" holds itself and its subdomains; ".example.com" (as Go and openssl read it) only subdomains; "" everything. */
function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  if (base === "") return true;
  if (base.startsWith(".")) return n.endsWith(base);
  return n === base || n.endsWith(`.${base}`);
}

function ipWithin(bytes: Uint8Array, s: { net: Uint8Array; mask: Uint8Array }): boolean {
  if (bytes.length !== s.net.length || s.mask.length !== s.net.length) return false;
  return bytes.every((b, i) => (b & s.mask[i]!) === (s.net[i]! & s.mask[i]!));
}

const norm = (v: string) => v.trim().replace(/\s+/g, " ").toLowerCase();

/** dnWithin: the subtree's name is a prefix of the subject (RDN by RDN, values compared without case or extra spaces). */
function dnWithin(subject: readonly (readonly [string, string])[], base: readonly (readonly [string, string])[]): boolean {
  return base.length <= subject.length && base.every(([a, v], i) => subject[i]![0] === a && norm(subject[i]![1]) === norm(v));
}

/** NameOf: one name kubebundle would write, by kind, as a message names it. */
type NameOf = { kind: "dns"; name: string; shown: string } | { kind: "ip"; bytes: Uint8Array; shown: string } | { kind: "dn"; dn: readonly (readonly [string, string])[]; shown: string };

function namesOf(n: Names): NameOf[] {
  const out: NameOf[] = [];
  for (const h of n.hosts) {
    const ip = parseIp(h);
    out.push(ip ? { kind: "ip", bytes: ip.bytes, shown: `IP ${ip.text}` } : { kind: "dns", name: h, shown: `DNS ${h}` });
  }
  for (const dn of n.subjects) out.push({ kind: "dn", dn, shown: `subject ${formatDn(dn)}` });
  return out;
}

function within(name: NameOf, s: Subtree): boolean {
  if (name.kind === "dns") return s.kind === "dns" && dnsWithin(name.name, s.name);
  if (name.kind === "ip") return s.kind === "ip" && ipWithin(name.bytes, s);
  return s.kind === "dn" && dnWithin(name.dn, s.dn);
}

/** constraintViolations: each name of `names` that `nc` excludes, or that falls outside the permitted subtrees of its kind
 *  (a kind with no permitted subtree is not constrained), as "IP 10.0.0.1 is excluded (IP 10.0.0.0/8)". */
export function constraintViolations(nc: NameConstraints, names: Names): string[] {
  const out: string[] = [];
  for (const name of namesOf(names)) {
    const hit = nc.excluded.find((s) => within(name, s));
    if (hit) {
      out.push(`${name.shown} is excluded (${showSubtree(hit)})`);
      continue;
    }
    const sameKind = nc.permitted.filter((s) => s.kind === name.kind || (s.kind === "other" && s.type === UNREADABLE));
    if (sameKind.length > 0 && !sameKind.some((s) => within(name, s))) {
      out.push(`${name.shown} is outside the permitted ${sameKind.map(showSubtree).join(", ")}`);
    }
  }
  return out;
}
