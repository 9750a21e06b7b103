// What the admin host gets, outside every node bundle: out/admin/ credentials and out/check-ha.sh.
import { buildKubeconfig, serializeKubeconfig, serverFor } from "../render/kubeconfig.js";
import { renderCheckHaScript } from "../render/check-ha-script.js";
import { MODES, unitName } from "../components/layout.js";
import { componentsOf } from "../components/registry.js";
import type { Cluster } from "../spec/cluster.js";
import type { PemPair } from "./node-plan.js";

/** AdminFile: one file of out/ (path relative to out/). */
export interface AdminFile {
  path: string;
  mode: number;
  content: Buffer;
}

/** ADMIN_USER: the admin kubeconfig's user and context. */
export const ADMIN_USER = "admin";

/** planAdmin: ca.pem (the CA with its chain up to the root, for verifying), admin.pem, admin-key.pem and admin.kubeconfig (server: apiServer.endpoint or the first node's apiserver), and check-ha.sh
 * (its handover timeout from the effective --leader-elect-lease-duration and --leader-elect-retry-period). */
export function planAdmin(c: Cluster, certs: { ca: PemPair; admin: PemPair }, version: string): AdminFile[] {
  const kubeconfig = serializeKubeconfig(
    buildKubeconfig({
      clusterName: c.spec.clusterName,
      server: serverFor(c, c.nodes[0]!),
      user: ADMIN_USER,
      caPem: certs.ca.chain ?? certs.ca.cert,
      certPem: certs.admin.cert,
      keyPem: certs.admin.key,
    }),
  );
  const checkHa = renderCheckHaScript({
    nodes: c.nodes.map((n) => ({ name: n.name, ip: n.ip })),
    components: componentsOf(c).map((k) => {
      const { lock, ...timing } = k.leader(c);
      return { id: k.id, unitName: unitName(k.id), leaderLock: lock, ...timing };
    }),
    kubeconfig: "admin/admin.kubeconfig",
    version,
  });
  return [
    { path: "admin/ca.pem", mode: MODES.cert, content: Buffer.from(certs.ca.chain ?? certs.ca.cert) },
    { path: "admin/admin.pem", mode: MODES.cert, content: Buffer.from(certs.admin.cert) },
    { path: "admin/admin-key.pem", mode: MODES.key, content: Buffer.from(certs.admin.key) },
    { path: "admin/admin.kubeconfig", mode: MODES.kubeconfig, content: Buffer.from(kubeconfig) },
    { path: "check-ha.sh", mode: MODES.script, content: Buffer.from(checkHa) },
  ];
}
