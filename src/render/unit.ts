// A component's systemd unit on one node, rendered from its flag list.
import path from "node:path";
import { minorOf } from "../components/release.js";
import { workingDir } from "../components/layout.js";
import type { Component } from "../components/component.js";
import { componentFlags } from "./flags.js";
import { productOf, releaseOf } from "../components/flag-table.js";
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

/** execPath: `<binDir>/<binary>`, the unit's ExecStart program. */
export function execPath(k: Component, c: Cluster): string {
  return path.posix.join(c.spec.paths.binDir, k.binary);
}

/** renderUnit: templates/unit.service.ejs for one component on one node: one sorted flag per line. */
export function renderUnit(k: Component, cluster: Cluster, node: ClusterNode): string {
  return renderTemplate("unit.service.ejs", {
    component: k.id,
    unit: k.unit,
    node: node.name,
    product: productOf(k.flags),
    release: minorOf(releaseOf(k.flags, cluster)),
    workingDir: workingDir(cluster, k.id),
    exec: systemdWord(execPath(k, cluster)),
    args: componentFlags(k, cluster, node).map((f) => systemdWord(`--${f.name}=${f.value}`)),
  });
}
