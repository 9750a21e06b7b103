// A control-plane component as one row of the registry (src/components/registry.ts): what it runs, which files each
// node gets for it, its flag table by release, what its checks read. Every stage reads these rows through one code
// path; no module outside src/components names a component.
import type { Cluster, ClusterNode } from "../spec/cluster.js";
import type { FlagTable } from "./flag-table.js";
import type { KnownFlag } from "./known-flags.js";
import type { FileKind, HasPaths } from "./layout.js";
import type { Spec } from "../spec/schema.js";
import type { Usage } from "../pki/x509/usages.js";
import type { EncryptionProvider } from "./kube-apiserver/config.js";

/** Section: a spec section holding a component's settings and `extraArgs`. */
export type Section = NonNullable<{ [K in keyof Spec]-?: Spec[K] extends { extraArgs?: unknown } ? K : never }[keyof Spec]>;

/** Content: what a file holds, as data; the plan renders each kind through one function (components import no renderer). */
export type Content =
  /** A certificate or key the pki stage issued (row `cert`; this node's instance for a row issued per node). */
  | { from: "pem"; cert: string; part: "cert" | "key" }
  /** A kubeconfig for the node's apiserver (or apiServer.endpoint) with row `cert`'s certificate as user `user`. */
  | { from: "kubeconfig"; cert: string; user: string }
  /** The component's systemd unit, from its flag table. */
  | { from: "unit" }
  /** verify.sh for the component on this node. */
  | { from: "verify" }
  /** A configuration file: the object `build` returns, written as YAML (`secrets`: the run's secrets that are not
   *  certificates, for a file that embeds one: the encryption configuration). */
  | { from: "yaml"; build(c: Cluster, node: ClusterNode, secrets: Secrets): object }
  /** A half of the service-account key pair (src/pki/secrets.ts): the private key that signs tokens, the public one that
   *  verifies them. */
  | { from: "secret"; part: "sa-key" | "sa-pub" };

/** Secrets: the secrets of out/pki that are not certificates, as the files that carry them need them. */
export interface Secrets {
  /** The encryption-at-rest key, base64 of 32 bytes; null when the run made none (kube-apiserver not generated). */
  encryptionKey: string | null;
  /** The providers earlier runs encrypted with, newest first, that the encryption configuration keeps for reading. */
  previousProviders: readonly EncryptionProvider[];
  /** The service-account key pair, PEM; empty when no generated component uses it. */
  serviceAccount: { keyPem: string; pubPem: string };
}

/** FileRow: one file of a node's rootfs. */
export interface FileRow {
  /** Stable id, unique across the registry ("kcm-cert", "ca-cert"). */
  id: string;
  kind: FileKind;
  /** Absolute target path on the node, from the spec's `paths`. Rows of several components may name one target (a CA
   *  both read): the node gets one file, shared by them, and the rows must agree on its content. */
  target(c: HasPaths): string;
  content: Content;
  /** When the node gets the file at all (absent: always); read from the spec defensively, as it is also asked during
   *  validation (the audit policy only with `apiServer.audit`, sa.key only with `pki.trust: separate`). */
  when?(c: HasPaths): boolean;
}

/** Subject: a certificate's CN and O. */
export interface Subject {
  CN: string;
  O?: string | null;
}

/** CertDecl: a certificate the component needs, a row of the pki stage's certificate table. `scope` "node": one per node
 *  (its SANs name that node), so that changing one node re-issues only that node's certificate. */
export interface CertDecl {
  /** The row's id, and the base of its files in out/pki (`<id>.pem`; `<id>-<node>.pem` per node). */
  id: string;
  longName: string;
  scope: "cluster" | "node";
  /** The CA row that signs it. */
  caId: string;
  /** cfssl usage words. */
  profile: readonly Usage[];
  /** CN and O (C, ST, L and OU come from pki.names); O absent: the CN; O null: no O (etcd's, as kubeadm's). A function
   *  where the subject depends on the cluster (kubeadm's apiserver-kubelet-client group by release). */
  subject: Subject | ((c: Cluster) => Subject);
  /** SANs for a node (null for a cluster-scope row). */
  hosts(c: Cluster, node: ClusterNode | null): string[];
  /** For a per-node row: the CN is the node's name (etcd's server and peer certificates, as kubeadm's), not subject.CN. */
  nodeCN?: true;
}

/** Health: what a component's checks read. `healthz`: verify.sh GETs /healthz (or `paths`) on its serving address
 *  (Serving, from --secure-port/--bind-address), and, when it has a kubeconfig, checks that it reaches the apiserver. `etcd`: verify.sh asks the local member's
 *  `endpoint health` on the client port with the health-check client, checks the client and peer listeners, and check-ha.sh
 *  reads the member list and the leader instead of a leader-election lock. */
export type Health =
  /** `paths`: the health paths verify.sh GETs (default ["/healthz"]); kube-apiserver's /livez and /readyz. `everyNode`: a
   *  check check-ha.sh runs from the admin host (see EveryNodeCheck); absent: none. */
  | { kind: "healthz"; paths?: readonly string[]; everyNode?: EveryNodeCheck }
  | { kind: "etcd"; clientPort(c: Cluster): number; peerPort(c: Cluster): number };

/** EveryNodeCheck: check-ha.sh GETs `path` on every node's serving address (its IP and the unit's --secure-port) and, when
 *  `endpoint` gives one, on that URL (a load balancer in front of the nodes), with the admin client certificate and
 *  out/admin/ca.pem; each must answer 200 "ok" (kube-apiserver's /readyz). */
export interface EveryNodeCheck {
  path: string;
  /** An https URL (scheme, host, optional port) serving the same path, or null. */
  endpoint?(c: Cluster): string | null;
}

/** AdminManifest: Kubernetes objects a component needs in the cluster, written as one multi-document YAML file
 *  out/admin/<file> for the admin to apply once with the admin kubeconfig (kube-apiserver's RBAC for its client
 *  identities). They hold no secret. */
export interface AdminManifest {
  /** The file's name inside out/admin/ ("apiserver-rbac.yaml"). */
  file: string;
  /** What the objects are for, one line for the file's header ("the RBAC objects kube-apiserver's client identities need"). */
  about: string;
  objects(c: Cluster): object[];
}

/** Serving: where a component answers /healthz on a node. */
export interface Serving {
  /** The address to check: --bind-address, or the node's IP when it binds every address (0.0.0.0, ::). */
  host: string;
  port: number;
}

/** LeaderElection: the lock check-ha.sh reads the leader from, and the timing of a handover in whole seconds. */
export interface LeaderElection {
  lock: "lease" | "endpoints";
  leaseDurationSeconds: number;
  retryPeriodSeconds: number;
}

/** HealthGate: what the rollout (out/ansible/site.yml) waits for on a host after installing a component there. */
export type HealthGate =
  /** GET https://<serving host>:<port><path> (servingOf) answers 200, the server checked against file row `ca`; `cert` and
   *  `key`: file rows of a client certificate to present (absent: anonymous). */
  | { kind: "https"; path: string; ca: string; cert?: string; key?: string }
  /** A command on the host that exits 0 (its argv, paths as on the node). */
  | { kind: "command"; argv(c: Cluster, node: ClusterNode): string[] };

/** Rollout: how out/ansible/site.yml rolls a component out: one host at a time, each waiting for `gate`, except on a new
 *  cluster (kubebundle_new_cluster=true) when `allAtOnceOnNewCluster` (a member that waits for its peers to start). */
export interface Rollout {
  allAtOnceOnNewCluster: boolean;
  gate: HealthGate;
}

/** Component: one row of the registry. */
export interface Component {
  /** The id: names its folder, its unit, its lock object in kube-system and its working dir. */
  id: string;
  /** The executable's file name inside `paths.binDir`. */
  binary: string;
  /** The spec section holding its settings and `extraArgs`. */
  section: Section;
  /** The unit's text: [Unit] Description, Documentation, and when set After= and Wants=; [Service] Type= when not the
   *  default `simple` (`notify`: the binary tells systemd when it is ready, as etcd does once it has joined a quorum), and
   *  LimitNOFILE= (etcd holds a descriptor per client and peer connection). */
  unit: { description: string; documentation: string; type?: "notify"; limitNOFILE?: number; after?: string; wants?: string };
  /** Its certificate rows. */
  certs: readonly CertDecl[];
  /** Every file of its own on a node (the shared CA files are the layout's). */
  files: readonly FileRow[];
  /** Its flag table by release; `section`.extraArgs overrides it. */
  flags: FlagTable;
  /** Every flag name the binary is known to accept, by release: an extraArgs name in neither this list nor the flag table is
   *  warned about (the lists are not every flag a binary has), with the closest known name. */
  knownFlags: readonly KnownFlag[];
  /** Data folders of its own (path, mode) that install.sh creates when missing and never touches once they exist (etcd's
   *  data and WAL dirs, 0700); absent: only its working dir. */
  dataDirs?(c: Cluster): { path: string; mode: number }[];
  /** True when its first start may block until other nodes run too (an etcd member waits for a quorum): install.sh starts
   *  it without waiting (`systemctl restart --no-block`) and reports its state, so nodes can be installed one by one. */
  startsWithoutWaiting?: true;
  /** What its checks read (default `healthz`). */
  health?: Health;
  /** The binary's own defaults of the flags the checks read back, in force when a flag is not on the command line; absent
   *  where it serves no --secure-port (etcd: its listen URLs). */
  builtin?: { "secure-port": string; "bind-address": string; /** The plain-HTTP port of old releases, where the table has --port. */ port?: string };
  /** Leader election set by --leader-elect-* flags (their built-in defaults), whose values the spec rules check; absent
   *  where a configuration file sets it. */
  leaderElectionFlags?: { "leader-elect-lease-duration": string; "leader-elect-renew-deadline": string; "leader-elect-retry-period": string };
  /** The ids of the files verify.sh reads: the CA of its serving certificate, its client certificate and key, its
   *  kubeconfig (absent where it has none: etcd). */
  verifyFiles: { ca: string; cert: string; key: string; kubeconfig?: string };
  /** Its leader election (a lock in kube-system) as check-ha.sh reads it; absent for a component without one (etcd elects a
   *  raft leader, which check-ha.sh reads from the member list; kube-apiserver has none). */
  leader?(c: Cluster): LeaderElection;
  /** How the Ansible rollout installs it host by host, and what it waits for. */
  rollout: Rollout;
  /** Objects to apply once from the admin host (absent: none). */
  adminManifest?: AdminManifest;
}
