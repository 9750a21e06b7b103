// The bundle's verify.sh, rendered from templates/verify.sh.ejs; every value enters it as one single-quoted word.
import { renderTemplate } from "./_templates.js";
import { absolutePath } from "../paths.js";
import { shellQuote } from "./install-script.js";

/** VerifyScriptInput: what verify.sh checks on one node; file paths are absolute paths on the node. */
export interface VerifyScriptInput {
  /** The component checked, e.g. "kube-scheduler" (letters, digits and "-"). */
  component: string;
  /** The node's name, and the address the component serves on there: its --bind-address,
   * or the node's IP when it binds every address (see servingOf in flags.ts). */
  node: { name: string; ip: string };
  /** The component's effective --secure-port. */
  securePort: number;
  /** The systemd unit, e.g. "kube-controller-manager.service". */
  unitName: string;
  /** The cluster CA that signs the serving certificate. */
  caFile: string;
  /** The node's client certificate and key of the component, presented to /healthz. */
  certFile: string;
  keyFile: string;
  /** The node's kubeconfig of the component, used to reach the apiserver; null for one without (kube-apiserver). */
  kubeconfig: string | null;
  /** The health paths to GET, each answering "ok" ("/healthz"; kube-apiserver's "/livez", "/readyz"). */
  paths: readonly string[];
  /** kubebundle's version, shown by the script. */
  version: string;
}

/** renderVerifyScript: verify.sh for one node; throws on a port out of range, a relative path or an empty value. */
export function renderVerifyScript(input: VerifyScriptInput): string {
  if (!Number.isInteger(input.securePort) || input.securePort < 1 || input.securePort > 65535) {
    throw new Error(`verify.sh: bad secure port ${input.securePort}`);
  }
  for (const [what, value] of [["node name", input.node.name], ["node ip", input.node.ip], ["unit name", input.unitName]] as const) {
    if (value === "") throw new Error(`verify.sh: empty ${what}`);
  }
  if (!/^[a-z0-9-]+$/.test(input.component)) throw new Error(`verify.sh: bad component name ${JSON.stringify(input.component)}`);
  for (const p of [input.caFile, input.certFile, input.keyFile, ...(input.kubeconfig === null ? [] : [input.kubeconfig])]) absolutePath(p, "verify.sh");
  if (input.paths.length === 0 || input.paths.some((p) => !/^\/[a-z]+$/.test(p))) throw new Error(`verify.sh: bad health paths ${JSON.stringify(input.paths)}`);
  return renderTemplate("verify.sh.ejs", { ...input, q: shellQuote });
}

/** EtcdVerifyScriptInput: what an etcd member's verify.sh checks on one node. */
export interface EtcdVerifyScriptInput {
  component: string;
  node: { name: string; ip: string };
  clientPort: number;
  peerPort: number;
  unitName: string;
  /** The CA etcd trusts for clients (etcd-ca, or the cluster CA under single trust), and the health-check client pair. */
  caFile: string;
  certFile: string;
  keyFile: string;
  /** etcdctl beside etcd in binDir, used when none is on PATH. */
  etcdctl: string;
  version: string;
}

/** renderEtcdVerifyScript: templates/verify-etcd.sh.ejs for one node; throws on a bad port or a relative path. */
export function renderEtcdVerifyScript(input: EtcdVerifyScriptInput): string {
  for (const p of [input.clientPort, input.peerPort]) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`verify.sh: bad port ${p}`);
  for (const p of [input.caFile, input.certFile, input.keyFile, input.etcdctl]) absolutePath(p, "verify.sh");
  return renderTemplate("verify-etcd.sh.ejs", { ...input, q: shellQuote });
}
