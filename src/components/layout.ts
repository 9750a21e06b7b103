// Where each node's files land: one row per file, read by the plan, the summary and the manifest.
import path from "node:path";
import type { Spec } from "../spec/schema.js";

/** HasPaths: all a target path depends on (a Cluster, or a spec's `paths` during validation). */
export interface HasPaths {
  spec: { paths: Spec["paths"] };
}

/** FileKind: what a file holds; decides its mode (keys and kubeconfigs 0600, scripts 0755, rest 0644). */
export type FileKind = "cert" | "key" | "kubeconfig" | "unit" | "script";

/** LayoutRow: one file of a node's rootfs. */
export interface LayoutRow {
  /** Stable id used by the plan ("ca-cert", "kcm-kubeconfig"...). */
  id: string;
  kind: FileKind;
  /** Absolute target path on the node, from the spec's `paths`. */
  target(c: HasPaths): string;
}

/** MODES: file mode by kind, as the contract sets them. */
export const MODES: Readonly<Record<FileKind, number>> = { cert: 0o644, key: 0o600, kubeconfig: 0o600, unit: 0o644, script: 0o755 };

/** KCM_BINARY: the executable's file name inside `paths.binDir`. */
export const KCM_BINARY = "kube-controller-manager";

/** UNIT_NAME: the systemd unit kubebundle installs. */
export const UNIT_NAME = "kube-controller-manager.service";

/** LAYOUT: every file in a node's rootfs, in the order the guide creates them. */
export const LAYOUT: readonly LayoutRow[] = [
  { id: "ca-cert", kind: "cert", target: (c) => path.posix.join(c.spec.paths.certDir, "ca.pem") },
  { id: "ca-key", kind: "key", target: (c) => path.posix.join(c.spec.paths.certDir, "ca-key.pem") },
  { id: "kcm-cert", kind: "cert", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-controller-manager.pem") },
  { id: "kcm-key", kind: "key", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-controller-manager-key.pem") },
  { id: "kcm-kubeconfig", kind: "kubeconfig", target: (c) => path.posix.join(c.spec.paths.configDir, "kube-controller-manager.kubeconfig") },
  { id: "kcm-unit", kind: "unit", target: () => `/etc/systemd/system/${UNIT_NAME}` },
  { id: "kcm-verify", kind: "script", target: (c) => path.posix.join(workingDir(c), "verify.sh") },
];

/** layoutTarget: the target path of the row `id` (which must exist). */
export function layoutTarget(c: HasPaths, id: string): string {
  const row = LAYOUT.find((r) => r.id === id);
  if (!row) throw new Error(`no layout row ${id}`);
  return row.target(c);
}

/** workingDir: the service's WorkingDirectory, `<dataDir>/kube-controller-manager`. */
export function workingDir(c: HasPaths): string {
  return path.posix.join(c.spec.paths.dataDir, "kube-controller-manager");
}
