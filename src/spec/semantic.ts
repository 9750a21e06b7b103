// Rules the schema cannot express. Each rule reads the (possibly still invalid) data
// defensively and adds problems; none throws on a wrong type (the schema reports those).
import { mappedIpv4, parseCidr, parseIp, parsePort } from "./ip.js";
import { durationHint, durationProblem, parseDuration } from "./duration.js";
import { isSupported, parseVersion, SUPPORTED, minorOf } from "../components/release.js";
import type { SpecProblem } from "./schema-validator.js";
import { PATTERNS } from "./schema.js";
import { RFC1123_NAME, err, hasControl, isObj, q, str, type Rule } from "./_rule.js";
import { admissionPlugins, clusterDomain, externalEtcd, extraSANs, featureGates, insecurePortArg, nodePortRange, requiredArgs, securePortArg } from "./apiserver-rules.js";
import { extraArgs, insecurePort, listenPorts, ports } from "./flag-rules.js";
import { overlaps, paths } from "./path-rules.js";

/** DNS1123_LABEL: lower-case alphanumerics and "-", 1-63 characters, alphanumeric at both ends. */
export const DNS1123_LABEL = new RegExp(PATTERNS.dns1123Label);
const DNS1123_SUBDOMAIN = new RegExp(PATTERNS.dns1123Subdomain);

function labelHint(name: string): string | undefined {
  const h = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  return h && DNS1123_LABEL.test(h) ? h : undefined;
}

const clusterName: Rule = (s, out) => {
  const v = s.clusterName;
  if (str(v) && !(v.length <= 253 && DNS1123_SUBDOMAIN.test(v))) {
    out.push(err("/clusterName", "must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')", labelHint(v)));
  }
};

const version: Rule = (s, out) => {
  const v = s.kubernetesVersion;
  if (!str(v)) return;
  const range = `${minorOf(SUPPORTED.min)} through ${minorOf(SUPPORTED.max)}`;
  const parsed = parseVersion(v);
  if (!parsed) out.push(err("/kubernetesVersion", `${q(v)} is not a release version like 1.36.0 (supported: ${range})`));
  else if (!isSupported(parsed)) out.push(err("/kubernetesVersion", `release ${minorOf(parsed)} is not supported: kubebundle supports ${range}`));
};

/** RESERVED_RANGES: address ranges (ipaddr.js names) a node cannot be reached at, as a message names them. */
const RESERVED_RANGES: Readonly<Record<string, string>> = {
  unspecified: "an unspecified",
  loopback: "a loopback",
  multicast: "a multicast",
  broadcast: "a broadcast",
  linkLocal: "a link-local",
  ipv4Mapped: "an IPv4-mapped IPv6",
};

const nodes: Rule = (s, out) => {
  if (!Array.isArray(s.nodes)) return;
  const names = new Map<string, number>();
  const ips = new Map<string, number>();
  s.nodes.forEach((n, i) => {
    if (!isObj(n)) return;
    if (str(n.name)) {
      if (!DNS1123_LABEL.test(n.name)) {
        out.push(err(`/nodes/${i}/name`, `${q(n.name)} is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`, labelHint(n.name)));
      } else if (names.has(n.name)) {
        out.push(err(`/nodes/${i}/name`, `duplicate node name ${q(n.name)} (also /nodes/${names.get(n.name)}/name)`));
      } else names.set(n.name, i);
    }
    const ip = str(n.ip) ? parseIp(n.ip) : null;
    if (!ip) return;
    const reserved = RESERVED_RANGES[ip.range];
    if (reserved !== undefined) {
      // An IPv4-mapped address (::ffff:127.0.0.1) is the IPv4 address in disguise: offer it when it is itself usable.
      const v4 = mappedIpv4(ip);
      const hint = v4 && RESERVED_RANGES[v4.range] === undefined ? v4.text : undefined;
      out.push(err(`/nodes/${i}/ip`, `${n.ip} is ${reserved} address; give the node's own routable IP`, hint));
    } else if (ips.has(ip.text)) {
      out.push(err(`/nodes/${i}/ip`, `duplicate node IP ${n.ip} (also /nodes/${ips.get(ip.text)}/ip)`));
    } else ips.set(ip.text, i);
  });
  if (s.nodes.length === 1) {
    out.push({ pointer: "/nodes", message: "only one node: the control plane will run without high availability", severity: "warning" });
  }
};

const serviceCIDR: Rule = (s, out) => {
  if (!str(s.serviceCIDR)) return;
  const cidr = parseCidr(s.serviceCIDR);
  if (!cidr) return; // the schema's "cidr" format reports it
  if (cidr.network !== `${parseIp(s.serviceCIDR.split("/")[0]!)?.text}/${cidr.prefix}`) {
    out.push(err("/serviceCIDR", "has host bits set", cidr.network));
  }
  if (!Array.isArray(s.nodes)) return;
  s.nodes.forEach((n, i) => {
    if (isObj(n) && str(n.ip) && cidr.contains(n.ip)) {
      out.push(err(`/nodes/${i}/ip`, `${n.ip} lies inside serviceCIDR ${s.serviceCIDR}; node and service addresses must not overlap`));
    }
  });
};

/** ENDPOINT_PARTS: host and optional port of an https URL as written (the URL parser would rewrite both). */
const ENDPOINT_PARTS = /^https:\/\/(\[[^\]/]*\]|[^:/?#[\]]*)(?::([^/?#]*))?\/?$/i;

/** endpointHostProblem: why the host of an endpoint is no RFC 1123 name or IP literal (IPv6 in brackets), if it is not. */
function endpointHostProblem(host: string): string | undefined {
  if (host.startsWith("[")) return parseIp(host.slice(1, -1))?.family === "ipv6" ? undefined : `${q(host)} is not a bracketed IPv6 address`;
  if (/^[0-9.]+$/.test(host)) return parseIp(host)?.family === "ipv4" ? undefined : `${q(host)} is not an IPv4 address`;
  return RFC1123_NAME.test(host) ? undefined : `host ${q(host)} is not an RFC 1123 name (letters, digits and inner "-" in labels of at most 63, joined by single dots) or an IP address`;
}

const endpoint: Rule = (s, out) => {
  const api = s.apiServer;
  if (!isObj(api) || !str(api.endpoint)) return;
  const at = "/apiServer/endpoint";
  let url: URL;
  try {
    url = new URL(api.endpoint);
  } catch {
    const guess = /^[\w.:[\]-]+$/.test(api.endpoint) ? `https://${api.endpoint}` : undefined;
    out.push(err(at, `${q(api.endpoint)} is not a URL`, guess));
    return;
  }
  // A hint only from a host that is itself clean; otherwise the example address.
  const fixed = `https://${/^[\w.:[\]-]+$/.test(url.host) ? url.host : "10.0.0.100:8443"}`;
  const parts = ENDPOINT_PARTS.exec(api.endpoint);
  if (url.protocol !== "https:") out.push(err(at, `must be an https URL, not ${url.protocol.replace(":", "")}`, fixed));
  else if (!url.hostname) out.push(err(at, "must name a host", "https://10.0.0.100:8443"));
  else if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "") || !parts) {
    out.push(err(at, "must be scheme, host and port only (no path, query or credentials)", fixed));
  } else if (/[\s"'`$\\]/.test(api.endpoint)) out.push(err(at, "must not contain spaces, quotes, '$' or '\\'", fixed));
  else {
    const [, host, port] = parts;
    const hostProblem = endpointHostProblem(host!);
    if (hostProblem) out.push(err(at, hostProblem, "https://10.0.0.100:8443"));
    else if (port !== undefined && parsePort(port) === null) out.push(err(at, `port ${q(port)} is not a port number 1-65535`, `https://${host}:${api.port ?? 6443}`));
    else if (port === undefined) {
      out.push({ pointer: at, message: `names no port: kubeconfigs will use https's 443 (write it as https://${host}:443 to say so)`, hint: `https://${host}:443`, severity: "warning" });
    }
  }
};

const keySpec: Rule = (s, out) => {
  const key = isObj(s.pki) && isObj(s.pki.key) ? s.pki.key : undefined;
  if (!key || !str(key.algo) || typeof key.size !== "number") return;
  const sizes: Record<string, number[]> = { rsa: [2048, 3072, 4096], ecdsa: [256, 384] };
  const ok = sizes[key.algo];
  if (ok && [256, 384, 2048, 3072, 4096].includes(key.size) && !ok.includes(key.size)) {
    out.push(err("/pki/key/size", `${key.algo} keys must be ${ok.join(", ")} bits, not ${key.size}`, String(ok[0])));
  }
};

const expiries: Rule = (s, out) => {
  const pki = isObj(s.pki) ? s.pki : undefined;
  if (!pki) return;
  const parsed: Record<string, number> = {};
  for (const field of ["caExpiry", "expiry"] as const) {
    const v = pki[field];
    if (!str(v)) continue;
    const problem = durationProblem(v);
    if (problem) out.push(err(`/pki/${field}`, `${q(v)} ${problem}`, durationHint(v)));
    else parsed[field] = parseDuration(v)!.ms;
  }
  if (parsed.caExpiry !== undefined && parsed.expiry !== undefined && parsed.caExpiry < parsed.expiry) {
    out.push(err("/pki/caExpiry", `CA validity (${pki.caExpiry}) is shorter than certificate validity (${pki.expiry})`, String(pki.expiry)));
  }
};

const names: Rule = (s, out) => {
  const pki = isObj(s.pki) ? s.pki : undefined;
  if (!pki) return;
  const lists: [string, unknown][] = [["/pki/names", pki.names], ["/pki/caCSR/names", isObj(pki.caCSR) ? pki.caCSR.names : undefined]];
  for (const [at, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((n, i) => {
      if (!isObj(n)) return;
      for (const [k, v] of Object.entries(n)) {
        if (!str(v)) continue;
        if (hasControl(v)) out.push(err(`${at}/${i}/${k}`, "must not contain control characters"));
        else if (k === "C" && !/^[A-Z]{2}$/.test(v)) out.push(err(`${at}/${i}/C`, `${q(v)} is not a two-letter country code`, v.toUpperCase().slice(0, 2).padEnd(2, "X")));
      }
    });
  }
  if (isObj(pki.caCSR) && str(pki.caCSR.CN) && hasControl(pki.caCSR.CN)) {
    out.push(err("/pki/caCSR/CN", "must not contain control characters"));
  }
};

/** ignoredFieldProblems: fields given that have no effect, said as warnings rather than silence; run on the spec as written,
 *  before the schema fills in defaults (a default caCSR is nobody's mistake). */
export function ignoredFieldProblems(spec: unknown): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (isObj(spec)) ignoredFields(spec, out);
  return out;
}

const ignoredFields: Rule = (s, out) => {
  const pki = isObj(s.pki) ? s.pki : undefined;
  if (!pki) return;
  if (isObj(pki.ca) && isObj(pki.caCSR) && Object.keys(pki.caCSR).length > 0) {
    out.push({ pointer: "/pki/caCSR", message: "is ignored: pki.ca imports the CA, whose subject is its own; caCSR names only a CA kubebundle creates", severity: "warning" });
  }
  if (!Array.isArray(pki.names)) return;
  pki.names.forEach((n, i) => {
    if (isObj(n) && n.O !== undefined) {
      out.push({ pointer: `/pki/names/${i}/O`, message: "is ignored: every certificate sets its own O from its role (system:masters for admin, the component's group for the others)", severity: "warning" });
    }
  });
};

/** RULES: every semantic rule, in the order problems are reported. */
const RULES: readonly Rule[] = [
  clusterName, clusterDomain, version, serviceCIDR, endpoint, extraSANs, nodePortRange, paths, overlaps, keySpec, expiries, names, nodes, ports, insecurePort, extraArgs,
  admissionPlugins, featureGates, securePortArg, insecurePortArg, requiredArgs, externalEtcd, listenPorts,
];

/** semanticProblems: every rule's problems for a spec that may still be schema-invalid. */
export function semanticProblems(spec: unknown): SpecProblem[] {
  if (!isObj(spec)) return [];
  const out: SpecProblem[] = [];
  for (const rule of RULES) rule(spec, out);
  return out;
}
