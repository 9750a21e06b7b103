// What the admin host gets, outside every node bundle: out/admin/ (credentials, objects to apply once) and out/check-ha.sh.
import { buildKubeconfig, serializeKubeconfig, serverFor } from "../render/kubeconfig.js";
import { renderCheckHaScript } from "../render/check-ha-script.js";
import { renderAdminManifest } from "../render/admin-manifest.js";
import { servingOf } from "../render/flags.js";
import { MODES, unitName } from "../components/layout.js";
import { componentsOf, verifyCertIds } from "../components/registry.js";
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

/** ADMIN_KUBECONFIG: the admin kubeconfig, relative to out/ (check-ha.sh's folder). */
const ADMIN_KUBECONFIG = "admin/admin.kubeconfig";

/** RAFT_FILES: where the CA and health-check client of the component whose checks read a member list (etcd) go, relative
 *  to out/: check-ha.sh reads them there. */
const RAFT_FILES = { ca: "admin/etcd/ca.pem", cert: "admin/etcd/healthcheck-client.pem", key: "admin/etcd/healthcheck-client-key.pem" };

/** planAdmin: ca.pem (the CA with its chain up to the root, for verifying), admin.pem, admin-key.pem and admin.kubeconfig
 * (server: apiServer.endpoint or the first node's apiserver), each generated component's manifest of objects to apply
 * (kube-apiserver's RBAC, 0644), and check-ha.sh (its handover timeout from the effective --leader-elect-lease-duration and
 * --leader-elect-retry-period; the every-node check of a component that has one, with the admin credentials), and for a
 * component whose checks read a member list (etcd), its verify.sh's CA and client pair in admin/etcd/. `certs`: a certificate
 * row's PEMs. */
export function planAdmin(c: Cluster, certs: (id: string) => PemPair, version: string): AdminFile[] {
  const components = componentsOf(c);
  const ca = certs("ca");
  const admin = certs("admin");
  const kubeconfig = serializeKubeconfig(
    buildKubeconfig({
      clusterName: c.spec.clusterName,
      server: serverFor(c, c.nodes[0]!),
      user: ADMIN_USER,
      caPem: ca.chain ?? ca.cert,
      certPem: admin.cert,
      keyPem: admin.key,
    }),
  );
  // A component whose checks read a raft member list (etcd) gets its verify.sh's CA and client pair in out/admin/etcd.
  const raft = components.flatMap((k) => (k.health?.kind === "etcd" ? [{ k, health: k.health, ids: verifyCertIds(k) }] : []))[0];
  // A component whose check-ha.sh check asks every node (kube-apiserver's /readyz), with the admin credentials: the port is
  // its unit's --secure-port (one for every node: the flag tables give every node the same).
  const everyNode = components.flatMap((k) => (k.health?.kind === "healthz" && k.health.everyNode ? [{ k, check: k.health.everyNode }] : []))[0];
  const checkHa = renderCheckHaScript({
    nodes: c.nodes.map((n) => ({ name: n.name, ip: n.ip })),
    components: components.flatMap((k) => {
      if (!k.leader) return [];
      const { lock, ...timing } = k.leader(c);
      return [{ id: k.id, unitName: unitName(k.id), leaderLock: lock, ...timing }];
    }),
    kubeconfig: ADMIN_KUBECONFIG,
    version,
    ...(everyNode
      ? {
          apiserver: {
            id: everyNode.k.id,
            path: everyNode.check.path,
            port: servingOf(everyNode.k, c, c.nodes[0]!).port,
            endpoint: everyNode.check.endpoint?.(c) ?? null,
            caFile: "admin/ca.pem",
            certFile: "admin/admin.pem",
            keyFile: "admin/admin-key.pem",
          },
        }
      : {}),
    ...(raft ? { etcd: { unitName: unitName(raft.k.id), clientPort: raft.health.clientPort(c), caFile: RAFT_FILES.ca, certFile: RAFT_FILES.cert, keyFile: RAFT_FILES.key } } : {}),
  });
  const raftCa = raft && certs(raft.ids.ca);
  const raftClient = raft && certs(raft.ids.client);
  const raftFiles: AdminFile[] =
    raftCa && raftClient
      ? [
          { path: RAFT_FILES.ca, mode: MODES.cert, content: Buffer.from(raftCa.chain ?? raftCa.cert) },
          { path: RAFT_FILES.cert, mode: MODES.cert, content: Buffer.from(raftClient.cert) },
          { path: RAFT_FILES.key, mode: MODES.key, content: Buffer.from(raftClient.key) },
        ]
      : [];
  return [
    { path: "admin/ca.pem", mode: MODES.cert, content: Buffer.from(ca.chain ?? ca.cert) },
    { path: "admin/admin.pem", mode: MODES.cert, content: Buffer.from(admin.cert) },
    { path: "admin/admin-key.pem", mode: MODES.key, content: Buffer.from(admin.key) },
    { path: "admin/admin.kubeconfig", mode: MODES.kubeconfig, content: Buffer.from(kubeconfig) },
    { path: "check-ha.sh", mode: MODES.script, content: Buffer.from(checkHa) },
    ...components.flatMap((k) => {
      if (!k.adminManifest) return [];
      const file = `admin/${k.adminManifest.file}`;
      const text = renderAdminManifest({ component: k.id, about: k.adminManifest.about, file, kubeconfig: ADMIN_KUBECONFIG, objects: k.adminManifest.objects(c), version });
      return [{ path: file, mode: MODES.config, content: Buffer.from(text) }];
    }),
    ...raftFiles,
  ];
}
