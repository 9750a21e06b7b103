// Where each node's files land: the files every component shares (the cluster CA), the modes by kind, and a
// component's working dir. A component's own files are rows of its registry entry.
import path from "node:path";
import type { Spec } from "../spec/schema.js";
import type { FileRow } from "./component.js";

/** HasPaths: all a target path depends on (a Cluster, or a spec's `paths` during validation). */
export interface HasPaths {
  spec: { paths: Spec["paths"] };
}

/** FileKind: what a file holds; decides its mode (keys, kubeconfigs and configurations embedding a secret 0600, scripts
 *  0755, rest 0644). `secret-config`: a configuration file holding a secret (the encryption configuration's key). */
export type FileKind = "cert" | "key" | "kubeconfig" | "unit" | "script" | "config" | "secret-config";

/** MODES: file mode by kind, as the contract sets them. */
export const MODES: Readonly<Record<FileKind, number>> = { cert: 0o644, key: 0o600, kubeconfig: 0o600, unit: 0o644, script: 0o755, config: 0o644, "secret-config": 0o600 };

/** isSecret: files that hold a private key or a secret, or embed one (0600, kept out of Git). */
export const isSecret = (kind: FileKind) => kind === "key" || kind === "kubeconfig" || kind === "secret-config";

/** SHARED_FILES: files every component reads: the cluster CA (its key signs kubelet CSRs in kube-controller-manager). */
export const SHARED_FILES: readonly FileRow[] = [
  { id: "ca-cert", kind: "cert", target: (c) => path.posix.join(c.spec.paths.certDir, "ca.pem"), content: { from: "pem", cert: "ca", part: "cert" } },
  { id: "ca-key", kind: "key", target: (c) => path.posix.join(c.spec.paths.certDir, "ca-key.pem"), content: { from: "pem", cert: "ca", part: "key" } },
];

/** unitName: a component's systemd unit. */
export function unitName(id: string): string {
  return `${id}.service`;
}

/** unitPath: where a component's systemd unit lands. */
export function unitPath(id: string): string {
  return `/etc/systemd/system/${unitName(id)}`;
}

/** workingDir: a component's WorkingDirectory, `<dataDir>/<id>`. */
export function workingDir(c: HasPaths, id: string): string {
  return path.posix.join(c.spec.paths.dataDir, id);
}

/** fileRow: the row `id` of `rows`; throws for an unknown id (a bug, not a user error). */
export function fileRow(rows: readonly FileRow[], id: string): FileRow {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no file row "${id}"`);
  return row;
}
