// The fully-resolved cluster model that every stage after loading reads.
import type { Spec, SpecNode } from "./schema.js";
import type { Duration } from "./duration.js";
import type { KubeVersion } from "../components/release.js";
import type { CaImportField } from "./read.js";

/** CaFiles: an imported CA's absolute file paths, with where the spec names them (`pki.<field>.certFile`...). */
export interface CaFiles {
  field: CaImportField;
  cert: string;
  key: string;
  at: Partial<Record<"certFile" | "keyFile", { line: number; col: number }>>;
}

/** KeySpec: algorithm and size of every key kubebundle creates (size always set). */
export interface KeySpec {
  algo: "rsa" | "ecdsa";
  size: 2048 | 3072 | 4096 | 256 | 384;
}

/** ClusterNode: a node; `ip` is the normalised address text, `family` its IP family. */
export interface ClusterNode extends SpecNode {
  family: "ipv4" | "ipv6";
}

/** Cluster: a validated spec with defaults applied and every string parsed once. */
export interface Cluster {
  /** The spec with every schema default filled in (key.size included). */
  spec: Spec;
  /** Absolute path of the spec file. */
  file: string;
  /** The spec's path as the user gave it, for messages. */
  shown: string;
  /** sha256 (hex) of the spec file's bytes. */
  sha256: string;
  version: KubeVersion;
  key: KeySpec;
  expiry: Duration;
  caExpiry: Duration;
  /** The CAs the spec imports, by `pki` field (`ca`, `etcdCA`): absolute paths, and where the spec names them. */
  caImports: Partial<Record<CaImportField, CaFiles>>;
  /** The etcd release (`etcd.version`, else the one kubeadm pairs with kubernetesVersion). */
  etcdVersion: KubeVersion;
  /** Nodes in spec order, IPs normalised. */
  nodes: ClusterNode[];
}
