// out/check-ha.sh, rendered from templates/check-ha.sh.ejs; every value enters it as one single-quoted word.
import { renderTemplate } from "./_templates.js";
import { shellQuote } from "./install-script.js";

/** CheckHaScriptInput: the cluster's control-plane nodes and how its leader election is set up. */
export interface CheckHaScriptInput {
  nodes: { name: string; ip: string }[];
  /** The systemd unit stopped and started by --failover, e.g. "kube-controller-manager.service". */
  unitName: string;
  /** Where the release keeps the leader: a Lease (1.17+) or the Endpoints annotation (1.16). */
  leaderLock: "lease" | "endpoints";
  /** kube-controller-manager's --leader-elect-lease-duration, in seconds (default 15). */
  leaseDurationSeconds: number;
  /** kube-controller-manager's --leader-elect-retry-period, in seconds (default 2). */
  retryPeriodSeconds: number;
  /** The admin kubeconfig, relative to the script's folder (e.g. "admin/admin.kubeconfig") or absolute. */
  kubeconfig: string;
  /** kubebundle's version, shown by the script. */
  version: string;
}

/** HANDOVER_MARGIN_SECONDS: added to the lease duration and two retry periods for polling and kubectl round trips. */
export const HANDOVER_MARGIN_SECONDS = 5;

/** handoverTimeoutSeconds: the default --failover wait: lease duration + 2 x retry period + HANDOVER_MARGIN_SECONDS. */
export function handoverTimeoutSeconds(input: Pick<CheckHaScriptInput, "leaseDurationSeconds" | "retryPeriodSeconds">): number {
  return input.leaseDurationSeconds + 2 * input.retryPeriodSeconds + HANDOVER_MARGIN_SECONDS;
}

/** renderCheckHaScript: check-ha.sh for the cluster; throws on no nodes, a repeated node name, a bad lock or duration. */
export function renderCheckHaScript(input: CheckHaScriptInput): string {
  if (input.nodes.length === 0) throw new Error("check-ha.sh: no nodes");
  const names = new Set<string>();
  for (const n of input.nodes) {
    if (n.name === "" || n.ip === "") throw new Error("check-ha.sh: a node has an empty name or ip");
    if (n.name.includes("_")) throw new Error(`check-ha.sh: node name ${JSON.stringify(n.name)} holds "_", which ends the hostname in a holder identity`);
    if (names.has(n.name)) throw new Error(`check-ha.sh: node ${n.name} is listed twice`);
    names.add(n.name);
  }
  if (input.leaderLock !== "lease" && input.leaderLock !== "endpoints") throw new Error(`check-ha.sh: bad leader lock ${String(input.leaderLock)}`);
  for (const [what, s] of [["lease duration", input.leaseDurationSeconds], ["retry period", input.retryPeriodSeconds]] as const) {
    if (!Number.isInteger(s) || s < 1) throw new Error(`check-ha.sh: bad ${what} ${s}`);
  }
  if (input.unitName === "" || input.kubeconfig === "") throw new Error("check-ha.sh: empty unit name or kubeconfig path");
  return renderTemplate("check-ha.sh.ejs", {
    ...input,
    defaultTimeoutSeconds: handoverTimeoutSeconds(input),
    marginSeconds: HANDOVER_MARGIN_SECONDS,
    q: shellQuote,
  });
}
