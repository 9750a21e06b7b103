// The certificate table: every certificate kubebundle makes, one readonly row each, issued by one function.
import type { Duration } from "../spec/duration.js";
import type { CaFiles, Cluster, ClusterNode } from "../spec/cluster.js";
import type { CaImportField } from "../spec/read.js";
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
  /** Subject, in encoding order; a per-node row's for `node` (an instance's are its node's). */
  subject(c: Cluster, node?: ClusterNode): Dn;
  /** SANs (IPs and DNS names), sorted and unique; a per-node row's for `node` (an instance's are its node's). */
  hosts(c: Cluster, node?: ClusterNode): string[];
  /** How long a newly issued certificate lasts. */
  validity(c: Cluster): Duration;
  /** A CA the spec imports instead of one kubebundle creates (absolute paths), or null. */
  imported?(c: Cluster): CaFiles | null;
  /** For a CA row of the `separate` trust layout only: the CA row that signs in its place under `pki.trust: single`
   *  (the cluster CA). The row then does not exist, and every certificate and file naming it uses that CA. */
  readonly singleTrust?: string;
}

/** CaRow: one CA of the table: its id (also its files' base name in out/pki), its `pki` import field, its subject when
 *  kubebundle creates it, and the CA that stands in for it under `pki.trust: single` (none for the cluster CA). */
interface CaRow {
  id: string;
  longName: string;
  importField: CaImportField;
  subject(c: Cluster): Dn;
  singleTrust?: string;
}

/** CA_ROWS: every CA, the cluster CA first. A CA is a row: adding one is a row here, its `pki` import field
 *  (CA_IMPORT_FIELDS, schema) and the leaves and file rows that name it. */
const CA_ROWS: readonly CaRow[] = [
  { id: "ca", longName: "cluster CA", importField: "ca", subject: (c) => buildDn(c.spec.pki.caCSR.names ?? [], { CN: c.spec.pki.caCSR.CN }) },
  {
    id: "etcd-ca",
    longName: "etcd CA",
    importField: "etcdCA",
    // C, ST, L, O, OU as the cluster CA's; CN as kubeadm names it.
    subject: (c) => buildDn(c.spec.pki.caCSR.names ?? [], { CN: "etcd-ca" }),
    singleTrust: "ca",
  },
  {
    // Signs the front proxy's client (kube-apiserver's --proxy-client-cert-file), the only CA whose clients may assert
    // identities in X-Remote-* headers (--requestheader-client-ca-file of every component).
    id: "front-proxy-ca",
    longName: "front-proxy CA",
    importField: "frontProxyCA",
    subject: (c) => buildDn(c.spec.pki.caCSR.names ?? [], { CN: "front-proxy-ca" }),
    singleTrust: "ca",
  },
];

/** caCertRow: a CA of CA_ROWS as a row of the certificate table. */
function caCertRow(r: CaRow): CertRow {
  return {
    id: r.id,
    longName: r.longName,
    baseName: r.id,
    caId: null,
    isCA: true,
    profile: ["signing", "cert sign", "crl sign"],
    scope: "cluster",
    subject: r.subject,
    hosts: () => [],
    validity: (c) => c.caExpiry,
    imported: (c) => c.caImports[r.importField] ?? null,
    ...(r.singleTrust ? { singleTrust: r.singleTrust } : {}),
  };
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
    subject: (c, node) => {
      const given = typeof d.subject === "function" ? d.subject(c) : d.subject;
      const CN = d.nodeCN && node ? node.name : given.CN;
      const O = given.O === undefined ? CN : given.O;
      // O null: no O at all, none from pki.names either (it is ignored there: a certificate's group is its role's).
      return O === null ? buildDn((c.spec.pki.names ?? []).map(({ O: _ignored, ...rest }) => rest), { CN }) : componentDn(c, O, CN);
    },
    hosts: (c, node) => sortHosts(d.hosts(c, node ?? null)),
    validity: (c) => c.expiry,
  };
}

/** CERTS: every certificate, CAs before the rows they sign: the CAs, every component's rows in registry order, admin. */
export const CERTS: readonly CertRow[] = [
  ...CA_ROWS.map(caCertRow),
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

/** generatedLeaves: the leaf rows of the components a cluster generates and those every cluster has, table order. */
function generatedLeaves(c: Cluster): CertRow[] {
  const generated = new Set(componentsOf(c).map((k) => k.id));
  return CERTS.filter((r) => !r.isCA && (r.component === undefined || generated.has(r.component)));
}

/** signerId: the CA row that signs in place of CA row `id`: `id` itself under `separate`; under `pki.trust: single`, or when
 *  no leaf the cluster generates is signed by it, the CA that stands in for it (its `singleTrust`, the cluster CA). So a
 *  node file naming front-proxy-ca holds the cluster CA when kube-apiserver, the one component with a front-proxy client,
 *  is not generated: no CA is made that signs nothing. */
export function signerId(c: Cluster, id: string): string {
  const row = CERTS.find((r) => r.id === id);
  if (!row?.singleTrust) return id;
  return c.spec.pki.trust === "single" || !generatedLeaves(c).some((r) => r.caId === id) ? row.singleTrust : id;
}

/** certInstances: the certificates a cluster has, in table order: the CAs that sign one of them (the cluster CA always),
 *  the rows of the components it generates (and those of every cluster), each signed by its CA under the trust layout
 *  (signerId), each per-node row once per node (id `<id>@<node>`, files `<baseName>-<node>.pem`, its node's SANs). */
export function certInstances(c: Cluster): CertRow[] {
  const leaves = generatedLeaves(c).map((r) => ({ ...r, caId: signerId(c, r.caId!) }));
  const signers = new Set(["ca", ...leaves.map((r) => r.caId)]);
  return [...CERTS.filter((r) => r.isCA && signers.has(r.id)), ...leaves].flatMap((r): CertRow[] =>
    r.scope === "cluster"
      ? [r]
      : c.nodes.map((n) => ({ ...r, id: `${r.id}@${n.name}`, longName: `${r.longName} of ${n.name}`, baseName: `${r.baseName}-${n.name}`, hosts: (cl) => r.hosts(cl, n), subject: (cl) => r.subject(cl, n) })),
  );
}
