// etcd, chapter 04 of the guide: one member on every node, peer and client TLS against its own CA (etcd-ca; the cluster
// CA under `pki.trust: single`), --initial-cluster of every node, flags by etcd release (etcd.version).
import type { Component } from "../component.js";
import path from "node:path";
import { ETCD, clientUrl } from "./flags.js";
import { ETCD_FILES, ETCD_ID } from "./files.js";
import type { Cluster, ClusterNode } from "../../spec/cluster.js";
import type { Usage } from "../../pki/x509/usages.js";
import { fileRow } from "../layout.js";

/** MEMBER_PROFILE: server and peer certificates: server and client auth (etcd 3.2+ wants ClientAuth on the server
 *  certificate too, as kubeadm's certlist.go notes; a peer certificate is both). */
const MEMBER_PROFILE: readonly Usage[] = ["signing", "key encipherment", "server auth", "client auth"];
const CLIENT_PROFILE: readonly Usage[] = ["signing", "key encipherment", "client auth"];

/** memberHosts: the node name, localhost, the node IP, 127.0.0.1 and ::1, as kubeadm's etcd-server and etcd-peer. */
const memberHosts = (_c: Cluster, node: ClusterNode | null) => (node ? [node.name, "localhost", node.ip, "127.0.0.1", "::1"] : []);

export const etcd = {
  id: ETCD_ID,
  binary: "etcd",
  section: "etcd",
  unit: {
    description: "Etcd Server",
    documentation: "https://github.com/etcd-io/etcd",
    type: "notify",
    limitNOFILE: 65536,
    after: "network.target network-online.target",
    wants: "network-online.target",
  },
  certs: [
    { id: "etcd-server", longName: "etcd server certificate", scope: "node", caId: "etcd-ca", profile: MEMBER_PROFILE, subject: { CN: "", O: null }, hosts: memberHosts, nodeCN: true },
    { id: "etcd-peer", longName: "etcd peer certificate", scope: "node", caId: "etcd-ca", profile: MEMBER_PROFILE, subject: { CN: "", O: null }, hosts: memberHosts, nodeCN: true },
    {
      id: "etcd-healthcheck-client", longName: "etcd health-check client certificate", scope: "cluster", caId: "etcd-ca", profile: CLIENT_PROFILE,
      subject: { CN: "kube-etcd-healthcheck-client", O: null }, hosts: () => [],
    },
  ],
  files: ETCD_FILES,
  knownFlags: [],
  flags: ETCD,
  dataDirs: (c) => [
    { path: c.spec.etcd.dataDir, mode: 0o700 },
    { path: c.spec.etcd.walDir, mode: 0o700 },
  ],
  startsWithoutWaiting: true,
  health: { kind: "etcd", clientPort: (c) => c.spec.etcd.clientPort, peerPort: (c) => c.spec.etcd.peerPort },
  verifyFiles: { ca: "etcd-ca-cert", cert: "etcd-healthcheck-cert", key: "etcd-healthcheck-key" },
  // A new cluster's first member waits for a quorum: every member at once then; later one at a time, each waiting for
  // the whole cluster's health (etcdctl, with the node's health-check client).
  rollout: { allAtOnceOnNewCluster: true, gate: { kind: "command", argv: healthArgv } },
} as const satisfies Component;

/** healthArgv: `etcdctl endpoint health --cluster` against the node's own member, with the node's health-check client. */
function healthArgv(c: Cluster, node: ClusterNode): string[] {
  const at = (id: string) => fileRow(ETCD_FILES, id).target(c);
  return [
    path.posix.join(c.spec.paths.binDir, "etcdctl"),
    `--endpoints=${clientUrl({ cluster: c }, node)}`,
    `--cacert=${at("etcd-ca-cert")}`,
    `--cert=${at("etcd-healthcheck-cert")}`,
    `--key=${at("etcd-healthcheck-key")}`,
    "endpoint",
    "health",
    "--cluster",
  ];
}
