// The certificate table: every certificate kubebundle makes, one readonly row each, issued by one function.
import type { Duration } from "../spec/duration.js";
import type { Cluster } from "../spec/cluster.js";
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
  /** Subject, in encoding order. */
  subject(c: Cluster): Dn;
  /** SANs (IPs and DNS names), sorted and unique. */
  hosts(c: Cluster): string[];
  /** How long a newly issued certificate lasts. */
  validity(c: Cluster): Duration;
  /** A CA the spec imports instead of one kubebundle creates (absolute paths), or null. */
  imported?(c: Cluster): { cert: string; key: string } | null;
}

/** componentDn: C/ST/L/OU of component certificates come from `pki.names`; O and CN from the row. */
function componentDn(c: Cluster, O: string, CN: string): Dn {
  return buildDn(c.spec.pki.names ?? [], { O, CN });
}

/** CERTS: every certificate, CAs before the rows they sign. */
export const CERTS: readonly CertRow[] = [
  {
    id: "ca",
    longName: "cluster CA",
    baseName: "ca",
    caId: null,
    isCA: true,
    profile: ["signing", "cert sign", "crl sign"],
    subject: (c) => buildDn(c.spec.pki.caCSR.names ?? [], { CN: c.spec.pki.caCSR.CN }),
    hosts: () => [],
    validity: (c) => c.caExpiry,
    imported: (c) => c.caFiles,
  },
  {
    id: "kube-controller-manager",
    longName: "kube-controller-manager client and serving certificate",
    baseName: "kube-controller-manager",
    caId: "ca",
    isCA: false,
    profile: ["signing", "key encipherment", "server auth", "client auth"],
    subject: (c) => componentDn(c, "system:kube-controller-manager", "system:kube-controller-manager"),
    hosts: (c) => sortHosts(["127.0.0.1", ...c.nodes.map((n) => n.ip)]),
    validity: (c) => c.expiry,
  },
  {
    id: "admin",
    longName: "cluster administrator client certificate",
    baseName: "admin",
    caId: "ca",
    isCA: false,
    profile: ["signing", "key encipherment", "client auth"],
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
