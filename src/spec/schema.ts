// The cluster spec's JSON Schema (draft 2020-12): the single source of the spec's shape.
// schemas/cluster.schema.json is written from this object by test/spec/schema.test.ts (UPDATE_GOLDEN=1), which
// keeps the two equal; the TypeScript type `Spec` is derived from it, never kept by hand.
import type { FromSchema } from "json-schema-to-ts";

/** PATTERNS: the forms the schema requires of strings, which the semantic rules read too (one definition each). An editor
 *  that reads the schema shows these errors while the file is typed; the rules add the specific message and hint. */
export const PATTERNS = {
  /** A DNS-1123 label: a node name. */
  dns1123Label: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
  /** A DNS-1123 subdomain: the cluster name. */
  dns1123Subdomain: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
  /** A release version without leading zeros: 1.36.0, v1.36.0, 1.36. */
  version: "^v?(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})(\\.(0|[1-9][0-9]{0,3}))?$",
  /** An etcd release kubebundle knows: 3.4, 3.5 or 3.6, with an optional patch release. */
  etcdVersion: "^v?3\\.(4|5|6)(\\.(0|[1-9][0-9]{0,3}))?$",
  /** A Go duration as time.ParseDuration reads it (the value rules add sign and range). */
  goDuration: "^[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$",
  /** An absolute node path of the characters a script or unit takes literally. */
  nodePath: "^/[A-Za-z0-9._/-]*$",
  /** An address/prefix, the prefix without leading zeros (the address is checked by the "cidr" format). */
  cidr: "^[0-9A-Fa-f:.]+/(0|[1-9][0-9]{0,2})$",
  /** An https URL of a host (an RFC 1123 name, an IPv4 address or a bracketed IPv6 one) and an optional port. */
  endpoint: "^https://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[1-9][0-9]{0,4})?/?$",
  /** A DNS domain of DNS-1123 labels without a trailing dot: the cluster's DNS domain. */
  dnsDomain: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$",
  /** A NodePort range `low-high` as kube-apiserver's --service-node-port-range reads it (the rules check the bounds and order). */
  portRange: "^[1-9][0-9]{0,4}-[1-9][0-9]{0,4}$",
  /** A flag name without the leading "--". */
  flagName: "^[a-z0-9][a-z0-9-]*$",
  /** A flag value: the characters flag values need, none a shell or systemd reads. */
  flagValue: "^[A-Za-z0-9._,:=/*@+%~\\[\\]-]*$",
  /** A two-letter country code. */
  country: "^[A-Z]{2}$",
} as const;

/** LIMITS: the documented bounds the schema sets on sizes. */
export const LIMITS = { nodePath: 1024, extraArgs: 100, flagName: 100, flagValue: 4096, extraSANs: 100, sanName: 253 } as const;

const name = {
  type: "object",
  description: "One X.509 distinguished-name entry, as cfssl writes it in `names`.",
  additionalProperties: false,
  properties: {
    C: { type: "string", minLength: 1, maxLength: 2, pattern: PATTERNS.country, description: "Country (two-letter code)." },
    ST: { type: "string", minLength: 1, maxLength: 128, description: "State or province." },
    L: { type: "string", minLength: 1, maxLength: 128, description: "Locality (city)." },
    O: { type: "string", minLength: 1, maxLength: 128, description: "Organisation." },
    OU: { type: "string", minLength: 1, maxLength: 128, description: "Organisational unit." },
  },
} as const;

/** caImport: an existing CA to import (`pki.ca`, `pki.etcdCA`): its PEM certificate and key, relative to the spec file. */
const caImport = (what: string, reuse: string) =>
  ({
    type: "object",
    additionalProperties: false,
    required: ["certFile", "keyFile"],
    description: `An existing ${what} to import (paths relative to the spec file). Absent: reuse ${reuse} or create one.`,
    properties: {
      certFile: { type: "string", minLength: 1, description: "PEM certificate of the CA." },
      keyFile: { type: "string", minLength: 1, description: "PEM private key of the CA (PKCS#1, SEC1 or PKCS#8; not encrypted)." },
    },
  }) as const;

const duration = {
  type: "string",
  pattern: PATTERNS.goDuration,
  description: "A Go duration in hours as cfssl writes it, e.g. `8760h` (one year).",
} as const;

const absPath = {
  type: "string",
  pattern: PATTERNS.nodePath,
  maxLength: LIMITS.nodePath,
  description: "An absolute, normalised path on the node (letters, digits, `._-/` only).",
} as const;

/** extraArgs: a component's flags over its table's defaults (every component section has one). */
const extraArgs = {
  type: "object",
  default: {},
  description:
    "Flag name (without `--`) to value: adds a flag or replaces a default; null removes a default flag. Values hold only ASCII letters, digits and `. _ , : = / * @ + % ~ [ ] -`; a flag the target release removed is an error.",
  maxProperties: LIMITS.extraArgs,
  propertyNames: { pattern: PATTERNS.flagName, maxLength: LIMITS.flagName },
  additionalProperties: { type: ["string", "null"], pattern: PATTERNS.flagValue, maxLength: LIMITS.flagValue },
} as const;

/** clusterSchema: the whole spec; defaults are the guide's values. */
export const clusterSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:kubebundle:cluster-spec",
  title: "kubebundle cluster spec",
  description:
    "One cluster's control plane: kubebundle generates, for every node, the PKI, kubeconfigs, configuration files, systemd units and install.sh of a highly available control plane.",
  type: "object",
  additionalProperties: false,
  required: ["nodes", "serviceCIDR"],
  properties: {
    $schema: { type: "string", description: "Path or URL of this schema, for editors." },
    clusterName: {
      type: "string",
      pattern: PATTERNS.dns1123Subdomain,
      maxLength: 253,
      default: "kubernetes",
      description: "Cluster name: the kubeconfig cluster entry and `--cluster-name`. DNS-1123 subdomain.",
    },
    kubernetesVersion: {
      type: "string",
      pattern: PATTERNS.version,
      default: "1.36.0",
      description: "Target Kubernetes release (`1.36.0`, `v1.36.0` or `1.36`), 1.16 through 1.37: decides which flags each unit carries and which configuration versions are written.",
    },
    components: {
      type: "array",
      items: { type: "string", enum: ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"], description: "A component id, as the registry names it." },
      uniqueItems: true,
      minItems: 1,
      default: ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"],
      description: "The components to generate, each on every node (default: all of them), written in any order and generated in rollout order.",
    },
    clusterDomain: {
      type: "string",
      pattern: PATTERNS.dnsDomain,
      maxLength: 253,
      default: "cluster.local",
      description:
        "The cluster's DNS domain (`cluster.local`), without a trailing dot: the apiserver certificate names `kubernetes.default.svc.<clusterDomain>` and the service-account issuer is `https://kubernetes.default.svc.<clusterDomain>`.",
    },
    serviceCIDR: {
      type: "string",
      format: "cidr",
      pattern: PATTERNS.cidr,
      description: "Service cluster IP range (`--service-cluster-ip-range`); must match kube-apiserver's. Required.",
    },
    apiServer: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "kube-apiserver settings, and how the components reach it.",
      properties: {
        port: {
          type: "integer",
          minimum: 1,
          maximum: 65535,
          default: 6443,
          description: "kube-apiserver's secure port on every node.",
        },
        endpoint: {
          type: ["string", "null"],
          pattern: PATTERNS.endpoint,
          default: null,
          description:
            "An https URL (e.g. `https://10.0.0.100:8443`) every kubeconfig uses; null: each node's kubeconfig points at `https://<node ip>:<port>`. Its host is a SAN of every apiserver certificate.",
        },
        extraSANs: {
          type: "array",
          default: [],
          uniqueItems: true,
          maxItems: LIMITS.extraSANs,
          items: { type: "string", minLength: 1, maxLength: LIMITS.sanName, description: "An IPv4 or IPv6 address, or a DNS name of RFC 1123 labels (no trailing dot)." },
          description: "More SANs of every apiserver serving certificate (a load balancer's name or address), IPs and DNS names.",
        },
        serviceNodePortRange: {
          type: "string",
          pattern: PATTERNS.portRange,
          default: "30000-32767",
          description: "NodePort range `low-high` (`--service-node-port-range`), as the guide's NODE_PORT_RANGE.",
        },
        encryption: {
          type: "object",
          default: {},
          additionalProperties: false,
          description: "Encryption at rest of Secrets (`encryption-config.yaml`); the 32-byte key is made once and kept in out/pki.",
          properties: {
            provider: {
              type: "string",
              enum: ["aescbc", "secretbox", "aesgcm"],
              default: "aescbc",
              description: "`aescbc` (the guide's), `secretbox` or `aesgcm` (every release 1.16-1.37 has the three).",
            },
          },
        },
        audit: {
          type: "boolean",
          default: true,
          description: "Write the audit log with the guide's policy (`audit-policy.yaml`); false turns auditing off.",
        },
        extraArgs,
      },
    },
    paths: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "Where files go on the nodes.",
      properties: {
        binDir: { ...absPath, default: "/opt/k8s/bin", description: "Folder holding the component binaries." },
        certDir: { ...absPath, default: "/etc/kubernetes/cert", description: "Folder of certificates and keys." },
        configDir: { ...absPath, default: "/etc/kubernetes", description: "Folder of kubeconfigs." },
        dataDir: { ...absPath, default: "/data/k8s/k8s", description: "Parent of the service's working directory." },
      },
    },
    pki: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "The cluster CA and certificate parameters, in cfssl's vocabulary.",
      properties: {
        trust: {
          type: "string",
          enum: ["separate", "single"],
          default: "separate",
          description:
            "`separate` (default, as kubeadm): etcd's certificates are signed by their own CA `etcd-ca` (so no certificate of the cluster CA is accepted by etcd), the front proxy's client by `front-proxy-ca`, and service-account tokens by a dedicated key pair `sa.key`/`sa.pub`; `single` (the guide): the cluster CA signs everything and its key signs the tokens.",
        },
        ca: { ...caImport("cluster CA", "out/pki/ca*.pem, or create a CA from caCSR"), description: "An existing CA to import (paths relative to the spec file). Absent: reuse out/pki/ca*.pem or create a CA from caCSR." },
        etcdCA: caImport("etcd CA (with `trust: separate`)", "out/pki/etcd-ca*.pem (CN etcd-ca)"),
        frontProxyCA: caImport("front-proxy CA (with `trust: separate`)", "out/pki/front-proxy-ca*.pem (CN front-proxy-ca)"),
        caCSR: {
          type: "object",
          default: {},
          additionalProperties: false,
          description: "Subject of a CA that kubebundle creates.",
          properties: {
            CN: { type: "string", minLength: 1, maxLength: 64, default: "kubernetes-ca", description: "Common name of the CA." },
            names: {
              type: "array",
              items: name,
              default: [{ C: "CN", ST: "BeiJing", L: "BeiJing", O: "k8s", OU: "opsnull" }],
              description: "Distinguished-name entries of the CA.",
            },
          },
        },
        key: {
          type: "object",
          default: {},
          additionalProperties: false,
          description: "Key algorithm and size of every key kubebundle creates: rsa 2048/3072/4096 or ecdsa 256/384.",
          properties: {
            algo: { type: "string", enum: ["rsa", "ecdsa"], default: "rsa", description: "`rsa` or `ecdsa`." },
            size: {
              type: "integer",
              enum: [256, 384, 2048, 3072, 4096],
              description: "rsa: 2048 (default), 3072, 4096; ecdsa: 256 (default), 384.",
            },
          },
          // The sizes each algorithm takes (algo defaults to rsa).
          allOf: [
            { if: { properties: { algo: { const: "rsa" } } }, then: { properties: { size: { enum: [2048, 3072, 4096] } } } },
            { if: { properties: { algo: { const: "ecdsa" } }, required: ["algo"] }, then: { properties: { size: { enum: [256, 384] } } } },
          ],
        },
        caExpiry: { ...duration, default: "876000h", description: "Validity of a created CA, e.g. `876000h`; not shorter than expiry." },
        expiry: { ...duration, default: "876000h", description: "Validity of component certificates, e.g. `8760h`." },
        names: {
          type: "array",
          items: name,
          default: [{ C: "CN", ST: "BeiJing", L: "BeiJing", OU: "opsnull" }],
          description: "C, ST, L, OU of component certificates (CN and O come from the certificate's role).",
        },
      },
    },
    nodes: {
      type: "array",
      minItems: 1,
      description: "Control-plane nodes, each running every generated component. Required.",
      items: {
        type: "object",
        description: "One control-plane node.",
        additionalProperties: false,
        required: ["name", "ip"],
        properties: {
          name: { type: "string", pattern: PATTERNS.dns1123Label, description: "Node name: a DNS-1123 label (lower case, digits, `-`); names its folder and bundle." },
          ip: { type: "string", anyOf: [{ format: "ipv4" }, { format: "ipv6" }], description: "Node IPv4 or IPv6 address: `--bind-address` and its kubeconfig's apiserver." },
        },
      },
    },
    etcd: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "etcd: one member on every node.",
      properties: {
        version: {
          type: "string",
          pattern: PATTERNS.etcdVersion,
          description: "etcd release (3.4, 3.5 or 3.6, a patch release allowed): decides etcd's flags. Default: the release kubeadm pairs with kubernetesVersion.",
        },
        clientPort: { type: "integer", minimum: 1, maximum: 65535, default: 2379, description: "Client port (HTTPS) on every node." },
        peerPort: { type: "integer", minimum: 1, maximum: 65535, default: 2380, description: "Peer port (HTTPS) on every node." },
        dataDir: { ...absPath, default: "/data/k8s/etcd/data", description: "etcd's --data-dir (created 0700 by install.sh; an existing one is never touched)." },
        walDir: { ...absPath, default: "/data/k8s/etcd/wal", description: "etcd's --wal-dir (created 0700 by install.sh; an existing one is never touched)." },
        extraArgs,
      },
    },
    controllerManager: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "kube-controller-manager settings.",
      properties: {
        securePort: {
          type: "integer",
          minimum: 1,
          maximum: 65535,
          default: 10252,
          description: "HTTPS port for /healthz and /metrics (`--secure-port`); the guide uses 10252, upstream's default is 10257.",
        },
        extraArgs,
      },
    },
    scheduler: {
      type: "object",
      default: {},
      additionalProperties: false,
      description: "kube-scheduler settings.",
      properties: {
        securePort: {
          type: "integer",
          minimum: 1,
          maximum: 65535,
          default: 10259,
          description: "HTTPS port for /healthz and /metrics (`--secure-port`); 10259, the guide's and upstream's.",
        },
        extraArgs,
      },
    },
  },
} as const;

/** Spec: a spec after schema validation with every default applied. */
export type Spec = FromSchema<typeof clusterSchema>;
/** SpecNode: one entry of `nodes`. */
export type SpecNode = Spec["nodes"][number];
/** DistinguishedName: one entry of `names`. */
export type DistinguishedName = NonNullable<Spec["pki"]["names"]>[number];
