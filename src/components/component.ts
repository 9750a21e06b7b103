// A control-plane component as one row of the registry (src/components/registry.ts): what it runs, which files each
// node gets for it, its flag table by release, what its checks read. Every stage reads these rows through one code
// path; no module outside src/components names a component.
import type { Cluster, ClusterNode } from "../spec/cluster.js";
import type { FlagTable } from "./flag-table.js";
import type { KnownFlag } from "./known-flags.js";
import type { FileKind, HasPaths } from "./layout.js";
import type { Spec } from "../spec/schema.js";
import type { Usage } from "../pki/x509/usages.js";

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
  /** A configuration file: the object `build` returns, written as YAML. */
  | { from: "yaml"; build(c: Cluster, node: ClusterNode): object };

/** FileRow: one file of a node's rootfs. */
export interface FileRow {
  /** Stable id, unique across the registry ("kcm-cert", "ca-cert"). */
  id: string;
  kind: FileKind;
  /** Absolute target path on the node, from the spec's `paths`. */
  target(c: HasPaths): string;
  content: Content;
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
  /** CN and O (C, ST, L and OU come from pki.names). */
  subject: { CN: string; O?: string };
  /** SANs for a node (null for a cluster-scope row). */
  hosts(c: Cluster, node: ClusterNode | null): string[];
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
  /** The unit's [Unit] text. */
  unit: { description: string; documentation: string };
  /** Its certificate rows. */
  certs: readonly CertDecl[];
  /** Every file of its own on a node (the shared CA files are the layout's). */
  files: readonly FileRow[];
  /** Its flag table by release; `section`.extraArgs overrides it. */
  flags: FlagTable;
  /** Every flag name the binary is known to accept, by release: an extraArgs name in neither this list nor the flag table is
   *  warned about (the lists are not every flag a binary has), with the closest known name. */
  knownFlags: readonly KnownFlag[];
  /** The binary's own defaults of the flags the checks read back, in force when a flag is not on the command line. */
  builtin: { "secure-port": string; "bind-address": string; /** The plain-HTTP port of old releases, where the table has --port. */ port?: string };
  /** Leader election set by --leader-elect-* flags (their built-in defaults), whose values the spec rules check; absent
   *  where a configuration file sets it. */
  leaderElectionFlags?: { "leader-elect-lease-duration": string; "leader-elect-renew-deadline": string; "leader-elect-retry-period": string };
  /** The ids of the files verify.sh reads: the CA of its serving certificate, its client certificate and key, its kubeconfig. */
  verifyFiles: { ca: string; cert: string; key: string; kubeconfig: string };
  /** How the Ansible rollout installs it host by host, and what it waits for. */
  rollout: Rollout;
  /** Its leader election as check-ha.sh reads it. */
  leader(c: Cluster): LeaderElection;
}
