// etcd's files on a node, one row each. Its certificates live in their own folder, <certDir>/etcd/, beside the cluster's:
// server and peer pairs, the CA it trusts for clients and peers (etcd-ca, or the cluster CA under `pki.trust: single`)
// and the health-check client pair verify.sh uses. Never a CA key.
import path from "node:path";
import type { FileRow } from "../component.js";
import type { HasPaths } from "../layout.js";
import { unitPath, workingDir } from "../layout.js";

export const ETCD_ID = "etcd";

/** etcdCertDir: `<certDir>/etcd`, where etcd's certificates land on a node. */
export const etcdCertDir = (c: HasPaths) => path.posix.join(c.spec.paths.certDir, "etcd");

const at = (name: string) => (c: HasPaths) => path.posix.join(etcdCertDir(c), name);

/** ETCD_FILES: the CA first, then the pairs, the unit and verify.sh. */
export const ETCD_FILES: readonly FileRow[] = [
  { id: "etcd-ca-cert", kind: "cert", target: at("ca.pem"), content: { from: "pem", cert: "etcd-ca", part: "cert" } },
  { id: "etcd-server-cert", kind: "cert", target: at("server.pem"), content: { from: "pem", cert: "etcd-server", part: "cert" } },
  { id: "etcd-server-key", kind: "key", target: at("server-key.pem"), content: { from: "pem", cert: "etcd-server", part: "key" } },
  { id: "etcd-peer-cert", kind: "cert", target: at("peer.pem"), content: { from: "pem", cert: "etcd-peer", part: "cert" } },
  { id: "etcd-peer-key", kind: "key", target: at("peer-key.pem"), content: { from: "pem", cert: "etcd-peer", part: "key" } },
  { id: "etcd-healthcheck-cert", kind: "cert", target: at("healthcheck-client.pem"), content: { from: "pem", cert: "etcd-healthcheck-client", part: "cert" } },
  { id: "etcd-healthcheck-key", kind: "key", target: at("healthcheck-client-key.pem"), content: { from: "pem", cert: "etcd-healthcheck-client", part: "key" } },
  { id: "etcd-unit", kind: "unit", target: () => unitPath(ETCD_ID), content: { from: "unit" } },
  { id: "etcd-verify", kind: "script", target: (c) => path.posix.join(workingDir(c, ETCD_ID), "verify.sh"), content: { from: "verify" } },
];
