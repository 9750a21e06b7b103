// kube-apiserver's configuration files as objects (the plan writes them as YAML): the EncryptionConfiguration and the audit
// Policy of the guide (chapter 05-2), in the API versions every release 1.16-1.37 reads.

/** ENCRYPTION_PROVIDERS: the providers apiServer.encryption.provider chooses, with the key sizes kube-apiserver accepts
 *  (kubernetes/apiserver pkg/apis/{config,apiserver}/v1 types and validation: aesgcm, aescbc and secretbox are in every
 *  tag 1.16.0-1.37.0-beta.0; aes keys 16, 24 or 32 bytes, secretbox 32). kubebundle's key is always 32 bytes. */
export const ENCRYPTION_PROVIDERS = {
  aescbc: { keyBytes: [16, 24, 32], note: "the guide's; AES-CBC with PKCS#7 padding (upstream now recommends secretbox or aesgcm with rotation, or KMS v2)" },
  secretbox: { keyBytes: [32], note: "XSalsa20 and Poly1305" },
  aesgcm: { keyBytes: [16, 24, 32], note: "AES-GCM with a random nonce: rotate the key every 200,000 writes" },
} as const;

/** EncryptionProvider: a name of ENCRYPTION_PROVIDERS. */
export type EncryptionProvider = keyof typeof ENCRYPTION_PROVIDERS;

/** ENCRYPTION_KEY_BYTES: the length of the key kubebundle makes (every provider takes 32 bytes). */
export const ENCRYPTION_KEY_BYTES = 32;

/** ENCRYPTION_KEY_NAME: the name of the key in the configuration, as the guide names it. */
export const ENCRYPTION_KEY_NAME = "key1";

/** encryptionConfig: Secrets encrypted by `provider` with the key (32 bytes, base64); then, for reading only, the same key
 *  under each provider an earlier run wrote (`previous`, newest first: a changed apiServer.encryption.provider leaves the
 *  Secrets stored before readable until they are rewritten), then `identity` so that Secrets written before encryption was
 *  on stay readable. The same on every node. */
export function encryptionConfig(provider: EncryptionProvider, keyBase64: string, previous: readonly EncryptionProvider[] = []): object {
  const bytes = Buffer.from(keyBase64, "base64");
  if (bytes.length !== ENCRYPTION_KEY_BYTES || bytes.toString("base64") !== keyBase64) {
    throw new Error(`the encryption key must be ${ENCRYPTION_KEY_BYTES} bytes in base64`);
  }
  const providers = [provider, ...previous.filter((p) => p !== provider)];
  return {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "EncryptionConfiguration",
    resources: [
      {
        resources: ["secrets"],
        providers: [...providers.map((p) => ({ [p]: { keys: [{ name: ENCRYPTION_KEY_NAME, secret: keyBase64 }] } })), { identity: {} }],
      },
    ],
  };
}

/** isEncryptionProvider: a name of ENCRYPTION_PROVIDERS (for providers read back from a manifest). */
export const isEncryptionProvider = (p: unknown): p is EncryptionProvider => typeof p === "string" && Object.hasOwn(ENCRYPTION_PROVIDERS, p);

// --- the audit policy ---

/** KNOWN_GROUPS: the API groups the guide's last two rules list ("" is the core group). */
const KNOWN_GROUPS = [
  "",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "extensions",
  "metrics.k8s.io",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "scheduling.k8s.io",
  "settings.k8s.io",
  "storage.k8s.io",
] as const;

const core = (...resources: string[]) => [{ group: "", resources }];
const omit = { omitStages: ["RequestReceived"] };

/** AUDIT_RULES: the guide's rules (opsnull/follow-me-install-kubernetes-cluster 05-2, the GCE policy), in its order: the first
 *  rule that matches a request decides its level. */
export const AUDIT_RULES: readonly object[] = [
  // High-volume, low-risk requests: not logged.
  { level: "None", resources: core("endpoints", "services", "services/status"), users: ["system:kube-proxy"], verbs: ["watch"] },
  { level: "None", resources: core("nodes", "nodes/status"), userGroups: ["system:nodes"], verbs: ["get"] },
  {
    level: "None",
    namespaces: ["kube-system"],
    resources: core("endpoints"),
    users: ["system:kube-controller-manager", "system:kube-scheduler", "system:serviceaccount:kube-system:endpoint-controller"],
    verbs: ["get", "update"],
  },
  { level: "None", resources: core("namespaces", "namespaces/status", "namespaces/finalize"), users: ["system:apiserver"], verbs: ["get"] },
  // HPA fetching metrics.
  { level: "None", resources: [{ group: "metrics.k8s.io" }], users: ["system:kube-controller-manager"], verbs: ["get", "list"] },
  // Read-only URLs.
  { level: "None", nonResourceURLs: ["/healthz*", "/version", "/swagger*"] },
  // Events.
  { level: "None", resources: core("events") },
  // Node and pod status updates from nodes: large and frequent; the request only.
  {
    level: "Request",
    ...omit,
    resources: core("nodes/status", "pods/status"),
    users: ["kubelet", "system:node-problem-detector", "system:serviceaccount:kube-system:node-problem-detector"],
    verbs: ["update", "patch"],
  },
  { level: "Request", ...omit, resources: core("nodes/status", "pods/status"), userGroups: ["system:nodes"], verbs: ["update", "patch"] },
  // deletecollection of namespace deletions: the request only.
  { level: "Request", ...omit, users: ["system:serviceaccount:kube-system:namespace-controller"], verbs: ["deletecollection"] },
  // Secrets, ConfigMaps and TokenReviews can hold secrets and binary data: metadata only.
  { level: "Metadata", ...omit, resources: [{ group: "", resources: ["secrets", "configmaps"] }, { group: "authentication.k8s.io", resources: ["tokenreviews"] }] },
  // Reads of known groups: the request (responses can be large).
  { level: "Request", ...omit, resources: KNOWN_GROUPS.map((group) => ({ group })), verbs: ["get", "list", "watch"] },
  // Everything else in known groups: request and response.
  { level: "RequestResponse", ...omit, resources: KNOWN_GROUPS.map((group) => ({ group })) },
  // Any other request: metadata.
  { level: "Metadata", ...omit },
];

/** auditPolicy: the guide's Policy in audit.k8s.io/v1 (the guide's v1beta1 left the API in 1.24; v1 is in 1.16 already). */
export function auditPolicy(): object {
  return { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: AUDIT_RULES };
}
