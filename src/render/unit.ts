// The node's kube-controller-manager systemd unit, rendered from its flag list.
import path from "node:path";
import { minorOf } from "../components/release.js";
import { KCM_BINARY, workingDir } from "../components/layout.js";
import { kcmFlags } from "./flags.js";
import { renderTemplate } from "./_templates.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** BARE: characters systemd takes literally in an unquoted ExecStart word. */
const BARE = /^[A-Za-z0-9_@+=:,./*-]+$/;

/** systemdWord: one ExecStart argument written so systemd passes exactly `word` to the program. */
export function systemdWord(word: string): string {
  if (/[\u0000-\u001f\u007f]/.test(word)) throw new Error(`control character in an ExecStart argument: ${JSON.stringify(word)}`);
  // Double quotes around the whole word; inside them `\` and `"` are escaped (C-style unescaping),
  // `%` is doubled (unit specifiers) and `$` doubled (environment expansion at start-up).
  const quoted = BARE.test(word) ? word : `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/%/g, "%%").replace(/\$/g, "$$$$");
}

/** kcmExecPath: `<binDir>/kube-controller-manager`, the unit's ExecStart program. */
export function kcmExecPath(c: Cluster): string {
  return path.posix.join(c.spec.paths.binDir, KCM_BINARY);
}

/** renderUnit: templates/kube-controller-manager.service.ejs for one node: one sorted flag per line. */
export function renderUnit(cluster: Cluster, node: ClusterNode): string {
  return renderTemplate("kube-controller-manager.service.ejs", {
    node: node.name,
    release: minorOf(cluster.version),
    workingDir: workingDir(cluster),
    exec: systemdWord(kcmExecPath(cluster)),
    args: kcmFlags(cluster, node).map((f) => systemdWord(`--${f.name}=${f.value}`)),
  });
}
