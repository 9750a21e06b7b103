// out/check-ha.sh, rendered from templates/check-ha.sh.ejs; every value enters it as one single-quoted word.
import { renderTemplate } from "./_templates.js";
import { shellQuote } from "./install-script.js";
import { CHECK_HA_MAX_WAIT } from "../components/leader-election.js";

/** CheckHaComponent: one leader-elected component check-ha.sh reads the leader of and tests the failover of. */
export interface CheckHaComponent {
  /** "kube-controller-manager", "kube-scheduler": also the lock object's name in kube-system. */
  id: string;
  /** systemd unit stopped/started by --failover, e.g. "kube-scheduler.service". */
  unitName: string;
  /** Where the release keeps the leader: a Lease (1.17+) or the Endpoints annotation (1.16). */
  leaderLock: "lease" | "endpoints";
  /** The component's --leader-elect-lease-duration, in seconds. */
  leaseDurationSeconds: number;
  /** The component's --leader-elect-retry-period, in seconds. */
  retryPeriodSeconds: number;
}

/** CheckHaScriptInput: the cluster's control-plane nodes and the components whose leader election check-ha.sh checks. */
export interface CheckHaScriptInput {
  nodes: { name: string; ip: string }[];
  /** At least one, ids unique, in registry order (the order the script checks them in). */
  components: CheckHaComponent[];
  /** The admin kubeconfig, relative to the script's folder (e.g. "admin/admin.kubeconfig") or absolute. */
  kubeconfig: string;
  /** kubebundle's version, shown by the script. */
  version: string;
  /** etcd, when generated: its unit, client port and the health-check client's files relative to the script's folder;
   *  check-ha.sh then reads its member list and leader (and tests its failover) before the components above. */
  etcd?: { unitName: string; clientPort: number; caFile: string; certFile: string; keyFile: string };
  /** kube-apiserver, when generated: check-ha.sh GETs `path` (/readyz) on every node's https://<ip>:<port> and on
   *  `endpoint` (apiServer.endpoint: an https URL, or null) with the admin client certificate and key, the server checked
   *  against `caFile` (paths relative to the script's folder), before the leader-elected components; each must answer "ok". */
  apiserver?: CheckHaApiserver;
}

/** CheckHaApiserver: the API servers check-ha.sh asks for readiness, and the credentials it presents. */
export interface CheckHaApiserver {
  /** The component's id, shown as the block's heading ("kube-apiserver"). */
  id: string;
  /** The path that answers "ok" when the server is ready ("/readyz"). */
  path: string;
  /** The secure port on every node. */
  port: number;
  /** The endpoint every kubeconfig uses (https://host[:port]), or null. */
  endpoint: string | null;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** HANDOVER_MARGIN_SECONDS: added to the lease duration and two retry periods for polling and kubectl round trips. */
export const HANDOVER_MARGIN_SECONDS = 5;

/** MAX_TIMEOUT_SECONDS: the longest wait check-ha.sh takes (its --timeout has at most 5 digits). */
export const MAX_TIMEOUT_SECONDS = CHECK_HA_MAX_WAIT;

/** handoverTimeoutSeconds: the default --failover wait: lease duration + 2 x retry period + HANDOVER_MARGIN_SECONDS. */
export function handoverTimeoutSeconds(c: Pick<CheckHaComponent, "leaseDurationSeconds" | "retryPeriodSeconds">): number {
  return c.leaseDurationSeconds + 2 * c.retryPeriodSeconds + HANDOVER_MARGIN_SECONDS;
}

/** COMPONENT_ID: a lock object's name (a DNS-1123 subdomain), which also keeps commas out of --component lists. */
const COMPONENT_ID = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** UNIT_NAME: a systemd service name that systemctl cannot read as an option. */
const UNIT_NAME = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]*\.service$/;

/** renderCheckHaScript: check-ha.sh for the cluster; throws on no nodes, a repeated node name, no components, a
 *  repeated or malformed component id or unit name, a bad lock or duration. */
export function renderCheckHaScript(input: CheckHaScriptInput): string {
  if (input.nodes.length === 0) throw new Error("check-ha.sh: no nodes");
  const names = new Set<string>();
  for (const n of input.nodes) {
    if (n.name === "" || n.ip === "") throw new Error("check-ha.sh: a node has an empty name or ip");
    if (n.name.includes("_")) throw new Error(`check-ha.sh: node name ${JSON.stringify(n.name)} holds "_", which ends the hostname in a holder identity`);
    if (names.has(n.name)) throw new Error(`check-ha.sh: node ${n.name} is listed twice`);
    names.add(n.name);
  }
  if (input.components.length === 0 && !input.etcd && !input.apiserver) throw new Error("check-ha.sh: no components");
  const ids = new Set<string>();
  const components = input.components.map((c) => {
    if (!COMPONENT_ID.test(c.id)) throw new Error(`check-ha.sh: bad component id ${JSON.stringify(c.id)} (the lock object's name: lower-case letters, digits, "-" and ".")`);
    if (ids.has(c.id)) throw new Error(`check-ha.sh: component ${c.id} is listed twice`);
    ids.add(c.id);
    if (!UNIT_NAME.test(c.unitName)) throw new Error(`check-ha.sh: ${c.id}: bad unit name ${JSON.stringify(c.unitName)} (a NAME.service)`);
    if (c.leaderLock !== "lease" && c.leaderLock !== "endpoints") throw new Error(`check-ha.sh: ${c.id}: bad leader lock ${String(c.leaderLock)}`);
    for (const [what, s] of [["lease duration", c.leaseDurationSeconds], ["retry period", c.retryPeriodSeconds]] as const) {
      if (!Number.isInteger(s) || s < 1) throw new Error(`check-ha.sh: ${c.id}: bad ${what} ${s}`);
    }
    const defaultTimeoutSeconds = handoverTimeoutSeconds(c);
    if (defaultTimeoutSeconds > MAX_TIMEOUT_SECONDS) throw new Error(`check-ha.sh: ${c.id}: a handover wait of ${defaultTimeoutSeconds}s is above ${MAX_TIMEOUT_SECONDS}s`);
    return { ...c, defaultTimeoutSeconds };
  });
  if (input.kubeconfig === "") throw new Error("check-ha.sh: empty kubeconfig path");
  return renderTemplate("check-ha.sh.ejs", {
    nodes: input.nodes,
    components,
    kubeconfig: input.kubeconfig,
    version: input.version,
    etcd: input.etcd ?? null,
    apiserver: input.apiserver ? apiserverOf(input.apiserver) : null,
    marginSeconds: HANDOVER_MARGIN_SECONDS,
    q: shellQuote,
  });
}

/** apiserverOf: the apiserver block's values, the endpoint split into the host (IPv6 without brackets) and port that
 *  openssl s_client connects to; throws on a bad id, path, port or endpoint, or an empty file name. */
function apiserverOf(a: CheckHaApiserver): CheckHaApiserver & { endpointHost: string; endpointPort: string } {
  if (!COMPONENT_ID.test(a.id)) throw new Error(`check-ha.sh: bad component id ${JSON.stringify(a.id)}`);
  if (!/^\/[a-z]+$/.test(a.path)) throw new Error(`check-ha.sh: ${a.id}: bad path ${JSON.stringify(a.path)}`);
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw new Error(`check-ha.sh: ${a.id}: bad port ${a.port}`);
  for (const f of [a.caFile, a.certFile, a.keyFile]) if (f === "") throw new Error(`check-ha.sh: ${a.id}: an empty file name`);
  if (a.endpoint === null) return { ...a, endpointHost: "", endpointPort: "" };
  let url: URL;
  try {
    url = new URL(a.endpoint);
  } catch {
    throw new Error(`check-ha.sh: ${a.id}: the endpoint ${JSON.stringify(a.endpoint)} is not a URL`);
  }
  if (url.protocol !== "https:" || url.hostname === "" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "" || !/^\/?$/.test(url.pathname)) {
    throw new Error(`check-ha.sh: ${a.id}: the endpoint ${JSON.stringify(a.endpoint)} is not https://HOST[:PORT]`);
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { ...a, endpoint: `https://${url.host}`, endpointHost: host, endpointPort: url.port || "443" };
}
