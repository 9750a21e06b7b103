// The certificate table: every certificate kubebundle makes, one readonly row each, issued by one function.
import type { Duration } from "../spec/duration.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";
import { REGISTRY, componentsOf } from "../components/registry.js";
import type { CertDecl, Component } from "../components/component.js";
import { sortHosts } from "./x509/sans.js";
import type { Usage } from "./x509/usages.js";
import { buildDn, type Dn } from "./x509/x500.js";

/** CertRow: one certificate: where it lives, who signs it, and pure functions of the cluster for its content. */
export interface CertRow {
  /** Stable id ("ca", "kube-controller-manager"); keys of PkiResult.certs. */
  readonly id: string;
  /** Human name for help, events and `inspect`. */
  readonly longName: string;
  /** The files `<baseName>.pem` and `<baseName>-key.pem` in out/pki/. */
  readonly baseName: string;
  /** The row that signs it; null for a self-signed CA. */
  readonly caId: string | null;
  /** basicConstraints CA:TRUE when true, CA:FALSE otherwise. */
  readonly isCA: boolean;
  /** cfssl usage words: key usages (critical) and extended key usages. */
  readonly profile: readonly Usage[];
  /** "cluster": one certificate; "node": one per node (see certInstances). */
  readonly scope: "cluster" | "node";
  /** The component that needs it; absent for the CA and admin rows, which every cluster has. */
  readonly component?: string;
  /** Subject, in encoding order. */
  subject(c: Cluster): Dn;
  /** SANs (IPs and DNS names), sorted and unique; a per-node row's for `node` (an instance's are its node's). */
  hosts(c: Cluster, node?: ClusterNode): string[];
  /** How long a newly issued certificate lasts. */
  validity(c: Cluster): Duration;
  /** A CA the spec imports instead of one kubebundle creates (absolute paths), or null. */
  imported?(c: Cluster): { cert: string; key: string } | null;
}

/** componentDn: C/ST/L/OU of component certificates come from `pki.names`; O and CN from the row. */
function componentDn(c: Cluster, O: string, CN: string): Dn {
  return buildDn(c.spec.pki.names ?? [], { O, CN });
}

/** componentRow: a component's certificate declaration as a row of the table. */
function componentRow(k: Component, d: CertDecl): CertRow {
  return {
    id: d.id,
    longName: d.longName,
    baseName: d.id,
    caId: d.caId,
    isCA: false,
    profile: d.profile,
    scope: d.scope,
    component: k.id,
    subject: (c) => componentDn(c, d.subject.O ?? d.subject.CN, d.subject.CN),
    hosts: (c, node) => sortHosts(d.hosts(c, node ?? null)),
    validity: (c) => c.expiry,
  };
}

/** CERTS: every certificate, CAs before the rows they sign: the cluster CA, every component's rows in registry order, admin. */
export const CERTS: readonly CertRow[] = [
  {
    id: "ca",
    longName: "cluster CA",
    baseName: "ca",
    caId: null,
    isCA: true,
    profile: ["signing", "cert sign", "crl sign"],
    scope: "cluster",
    subject: (c) => buildDn(c.spec.pki.caCSR.names ?? [], { CN: c.spec.pki.caCSR.CN }),
    hosts: () => [],
    validity: (c) => c.caExpiry,
    imported: (c) => c.caFiles,
  },
  ...REGISTRY.flatMap((k) => k.certs.map((d) => componentRow(k, d))),
  {
    id: "admin",
    longName: "cluster administrator client certificate",
    baseName: "admin",
    caId: "ca",
    isCA: false,
    profile: ["signing", "key encipherment", "client auth"],
    scope: "cluster",
    subject: (c) => componentDn(c, "system:masters", "admin"),
    hosts: () => [],
    validity: (c) => c.expiry,
  },
];

/** rowById: the row with id `id`; throws for an unknown id (a bug, not a user error). */
export function rowById(id: string): CertRow {
  const row = CERTS.find((r) => r.id === id);
  if (!row) throw new Error(`no certificate row "${id}"`);
  return row;
}

/** instanceId: the id of the certificate a node uses for row `id`: the row's own for a cluster-scope row, `<id>@<node>` for a
 *  per-node one. */
export function instanceId(id: string, node: string): string {
  return rowById(id).scope === "node" ? `${id}@${node}` : id;
}

/** certInstances: the certificates a cluster has, in table order: the rows of the components it generates (and those of
 *  every cluster), each per-node row once per node (id `<id>@<node>`, files `<baseName>-<node>.pem`, its node's SANs). */
export function certInstances(c: Cluster): CertRow[] {
  const generated = new Set(componentsOf(c).map((k) => k.id));
  return CERTS.filter((r) => r.component === undefined || generated.has(r.component)).flatMap((r): CertRow[] =>
    r.scope === "cluster"
      ? [r]
      : c.nodes.map((n) => ({ ...r, id: `${r.id}@${n.name}`, longName: `${r.longName} of ${n.name}`, baseName: `${r.baseName}-${n.name}`, hosts: (cl) => r.hosts(cl, n) })),
  );
}
