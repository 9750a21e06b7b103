// Semantic rules of the apiServer section and clusterDomain: the cluster domain without a trailing dot, the extra SANs of the
// apiserver certificate, the NodePort range, and in apiServer.extraArgs the admission plugin names and feature gates the
// target release knows.
import { RFC1123_NAME, err, hasControl, isObj, q, str, type Obj, type Rule, versionOf } from "./_rule.js";
import { closest } from "./_closest.js";
import { parseIp } from "./ip.js";
import { PATTERNS } from "./schema.js";
import { minorOf, parseVersion, compareMinor } from "../components/release.js";
import { PLUGIN_LIST_FLAGS, pluginNameProblem } from "../components/kube-apiserver/admission.js";
import { APISERVER, REMOVED_GATES } from "../components/kube-apiserver/flags.js";
import { extraArgPointer } from "../components/flag-table.js";
import { componentsOfSpec } from "../components/registry.js";

const DNS_DOMAIN = new RegExp(PATTERNS.dnsDomain);

/** clusterDomain: a DNS domain of lower-case labels; a trailing dot (the guide's 2018 `cluster.local.`) is refused with the
 *  name without it: Go clients compare certificate names without the dot. */
export const clusterDomain: Rule = (s, out) => {
  const v = s.clusterDomain;
  if (!str(v) || DNS_DOMAIN.test(v)) return;
  const at = "/clusterDomain";
  const bare = v.replace(/\.+$/, "");
  if (bare !== v && DNS_DOMAIN.test(bare)) {
    out.push(err(at, `${q(v)} ends with a dot: write the domain without it (kubernetes.default.svc.${bare} is the name clients dial, and a certificate name with the dot does not match it)`, bare));
  } else {
    const lower = v.toLowerCase();
    out.push(err(at, `${q(v)} is not a DNS domain of lower-case labels (letters, digits and inner "-", at most 63 each, joined by single dots)`, DNS_DOMAIN.test(lower) ? lower : "cluster.local"));
  }
};

const apiOf = (s: Obj): Obj | undefined => (isObj(s.apiServer) ? s.apiServer : undefined);

/** extraSANs: each entry an IP address or an RFC 1123 DNS name (no trailing dot, no wildcard, no port), once. */
export const extraSANs: Rule = (s, out) => {
  const list = apiOf(s)?.extraSANs;
  if (!Array.isArray(list)) return;
  const seen = new Map<string, number>();
  list.forEach((v, i) => {
    if (!str(v)) return;
    const at = `/apiServer/extraSANs/${i}`;
    if (hasControl(v)) return void out.push(err(at, "must not contain control characters"));
    const ip = parseIp(v);
    let key: string;
    if (ip) {
      if (ip.range === "unspecified") return void out.push(err(at, `${v} is the unspecified address; no client dials it`));
      key = ip.text;
    } else if (/^[0-9.]+$/.test(v)) {
      return void out.push(err(at, `${q(v)} is not an IPv4 address`));
    } else if (v.startsWith("[") && v.endsWith("]") && parseIp(v.slice(1, -1))) {
      return void out.push(err(at, `${q(v)}: write the IPv6 address without brackets`, v.slice(1, -1)));
    } else if (v.endsWith(".") && RFC1123_NAME.test(v.slice(0, -1))) {
      return void out.push(err(at, `${q(v)} ends with a dot: Go clients compare names without it, so the certificate would not match`, v.slice(0, -1)));
    } else if (!RFC1123_NAME.test(v)) {
      return void out.push(err(at, `${q(v)} is neither an IP address nor a DNS name of RFC 1123 labels (letters, digits and inner "-", at most 63 each, joined by single dots; no wildcard, port or scheme)`));
    } else key = v.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) out.push(err(at, `${q(v)} is also /apiServer/extraSANs/${first}`));
    else seen.set(key, i);
  });
};

/** nodePortRange: `low-high`, both ports 1-65535, low not above high (kube-apiserver refuses the range otherwise). */
export const nodePortRange: Rule = (s, out) => {
  const v = apiOf(s)?.serviceNodePortRange;
  if (!str(v)) return;
  const at = "/apiServer/serviceNodePortRange";
  const m = /^([0-9]+)-([0-9]+)$/.exec(v);
  if (!m) return void out.push(err(at, `${q(v)} is not a port range low-high such as 30000-32767`, "30000-32767"));
  const [low, high] = [Number(m[1]), Number(m[2])];
  const bad = [low, high].find((p) => p < 1 || p > 65535 || String(p) !== (p === low ? m[1] : m[2]));
  if (bad !== undefined) return void out.push(err(at, `${q(v)}: ${bad === low ? m[1] : m[2]} is not a port number 1-65535`, "30000-32767"));
  if (low > high) out.push(err(at, `${q(v)}: the first port must not be above the last`, `${high}-${low}`));
  const port = apiOf(s)?.port;
  if (typeof port === "number" && port >= low && port <= high) {
    out.push({ pointer: at, message: `${q(v)} holds apiServer.port ${port}: a NodePort Service could be given the apiserver's port`, severity: "warning" });
  }
};

/** extraArgsOf: apiServer.extraArgs of a spec that generates kube-apiserver (the row whose flag table is APISERVER); a spec
 *  without it leaves the section unread, so its flags are not checked against a release either. */
const extraArgsOf = (s: Obj): Obj | undefined => {
  if (!componentsOfSpec(s).some((k) => k.flags === APISERVER)) return undefined;
  const api = apiOf(s);
  return api && isObj(api.extraArgs) ? api.extraArgs : undefined;
};

/** admissionPlugins: every name in apiServer.extraArgs' plugin lists known to the target release (kube-apiserver refuses
 *  to start with an unknown one), reported at the extraArgs entry. */
export const admissionPlugins: Rule = (s, out) => {
  const args = extraArgsOf(s);
  const v = versionOf(s);
  if (!args || !v) return;
  for (const flag of PLUGIN_LIST_FLAGS) {
    const value = args[flag];
    if (!str(value) || value === "") continue;
    for (const name of value.split(",")) {
      const p = name === "" ? { severity: "error" as const, message: `an empty plugin name (two commas or a trailing comma) in ${q(value)}` } : pluginNameProblem(name, v, closest);
      if (p) out.push({ pointer: extraArgPointer(APISERVER, flag), message: `--${flag}: ${p.message}`, severity: p.severity, ...("hint" in p && p.hint ? { hint: p.hint } : {}) });
    }
  }
};

/** featureGates: gates of the guide's unit (DynamicAuditing) that the target release no longer knows, in --feature-gates. */
export const featureGates: Rule = (s, out) => {
  const value = extraArgsOf(s)?.["feature-gates"];
  const v = versionOf(s);
  if (!str(value) || !v) return;
  for (const item of value.split(",")) {
    const gate = REMOVED_GATES.find((g) => item.split("=")[0] === g.gate);
    if (gate && compareMinor(v, parseVersion(gate.removedIn)!) >= 0) {
      out.push(err(extraArgPointer(APISERVER, "feature-gates"), `--feature-gates: ${gate.gate} was removed in Kubernetes ${gate.removedIn} (target ${minorOf(v)}): ${gate.note}; kube-apiserver refuses to start with an unknown gate`));
    }
  }
};

/** securePortArg: --secure-port in apiServer.extraArgs must be apiServer.port: every kubeconfig, the rollout and the checks
 *  dial apiServer.port, so a unit listening elsewhere would be unreachable to them. */
export const securePortArg: Rule = (s, out) => {
  const value = extraArgsOf(s)?.["secure-port"];
  const port = apiOf(s)?.port ?? 6443;
  if (!str(value) || String(port) === value) return;
  out.push(err(extraArgPointer(APISERVER, "secure-port"), `--secure-port=${value} differs from apiServer.port ${String(port)}, which every kubeconfig and check dials: set apiServer.port instead`));
};

/** insecurePortArg: kube-apiserver's --insecure-port may only be 0 while the flag exists (up to 1.23), and may not be removed
 *  while the table writes it (up to 1.19): without it, or with another port, 127.0.0.1:8080 (or that port) serves every
 *  request unauthenticated up to 1.19, and 1.20-1.23 refuse any value but 0. */
export const insecurePortArg: Rule = (s, out) => {
  const args = extraArgsOf(s);
  const v = versionOf(s);
  if (!args || !v || !("insecure-port" in args) || compareMinor(v, { major: 1, minor: 24 }) >= 0) return;
  const value = args["insecure-port"];
  const at = extraArgPointer(APISERVER, "insecure-port");
  if (value === null && compareMinor(v, { major: 1, minor: 19 }) <= 0) {
    out.push(err(at, `removing --insecure-port=0 leaves kube-apiserver ${minorOf(v)} serving every request unauthenticated on 127.0.0.1:8080`));
  } else if (str(value) && value !== "0") {
    const why = compareMinor(v, { major: 1, minor: 19 }) <= 0 ? "it would serve every request unauthenticated on that port" : `kube-apiserver ${minorOf(v)} accepts only 0`;
    out.push(err(at, `--insecure-port=${value}: ${why}`, "0"));
  }
};

/** REQUIRED_FROM_1_20: flags kube-apiserver 1.20+ refuses to start without (TokenRequest is always on). */
const REQUIRED_FROM_1_20 = ["service-account-issuer", "service-account-signing-key-file"];

/** requiredArgs: apiServer.extraArgs may not remove (null) a flag the target release needs to start. */
export const requiredArgs: Rule = (s, out) => {
  const args = extraArgsOf(s);
  const v = versionOf(s);
  if (!args || !v || compareMinor(v, { major: 1, minor: 20 }) < 0) return;
  for (const flag of REQUIRED_FROM_1_20) {
    if (args[flag] === null) out.push(err(extraArgPointer(APISERVER, flag), `--${flag} cannot be removed: kube-apiserver ${minorOf(v)} refuses to start without it`));
  }
};

/** externalEtcd: kube-apiserver generated without etcd, under `separate` trust and with no pki.etcdCA: its etcd client is
 *  signed by an etcd CA kubebundle makes, which the etcd it talks to (--etcd-servers: the nodes' client port) does not
 *  trust. A warning: import that etcd's CA. */
export const externalEtcd: Rule = (s, out) => {
  const components = componentsOfSpec(s);
  if (!components.some((k) => k.flags === APISERVER) || components.some((k) => k.health?.kind === "etcd")) return;
  const pki = isObj(s.pki) ? s.pki : {};
  if (pki.trust === "single" || pki.etcdCA !== undefined) return;
  out.push({
    pointer: "/components",
    message:
      "kube-apiserver without etcd: its etcd client certificate will be signed by a new etcd-ca, which the etcd members at --etcd-servers do not trust; " +
      "import their CA with pki.etcdCA (or generate etcd too, or use pki.trust single if they trust the cluster CA)",
    severity: "warning",
  });
};
