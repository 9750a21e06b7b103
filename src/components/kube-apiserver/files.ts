// kube-apiserver's files on a node: one row each for what the existing file kinds carry (certificates and keys, the unit,
// verify.sh), and the paths of the files whose content is a secret that is not a certificate (the service-account key
// pair, the encryption configuration holding the encryption key) or a policy (the audit policy). The flag table names
// every one of them through this module, so each path is written in one place.
import path from "node:path";
import type { FileRow } from "../component.js";
import { unitPath, workingDir, type HasPaths } from "../layout.js";

export const APISERVER_ID = "kube-apiserver";

/** CERT_IDS: the certificate rows kube-apiserver reads (src/components/kube-apiserver/certs.ts declares its own; the etcd
 *  client and the CAs come from the certificate table's CA and etcd rows). */
export const CERT_IDS = {
  serving: "apiserver",
  kubeletClient: "apiserver-kubelet-client",
  etcdClient: "apiserver-etcd-client",
  frontProxyClient: "front-proxy-client",
  healthcheckClient: "kube-apiserver-healthcheck-client",
  etcdCa: "etcd-ca",
  frontProxyCa: "front-proxy-ca",
} as const;

const cert = (c: HasPaths, name: string) => path.posix.join(c.spec.paths.certDir, name);
const pem = (id: string, kind: "cert" | "key", name: string, certId: string): FileRow => ({
  id,
  kind,
  target: (c) => cert(c, name),
  content: { from: "pem", cert: certId, part: kind },
});

/** APISERVER_FILES: its certificates and keys, unit and verify.sh, in the order the guide creates them. */
export const APISERVER_FILES: readonly FileRow[] = [
  pem("kas-cert", "cert", "kube-apiserver.pem", CERT_IDS.serving),
  pem("kas-key", "key", "kube-apiserver-key.pem", CERT_IDS.serving),
  pem("kas-etcd-ca", "cert", "etcd-ca.pem", CERT_IDS.etcdCa),
  pem("kas-etcd-client-cert", "cert", "apiserver-etcd-client.pem", CERT_IDS.etcdClient),
  pem("kas-etcd-client-key", "key", "apiserver-etcd-client-key.pem", CERT_IDS.etcdClient),
  pem("kas-kubelet-client-cert", "cert", "apiserver-kubelet-client.pem", CERT_IDS.kubeletClient),
  pem("kas-kubelet-client-key", "key", "apiserver-kubelet-client-key.pem", CERT_IDS.kubeletClient),
  pem("kas-front-proxy-ca", "cert", "front-proxy-ca.pem", CERT_IDS.frontProxyCa),
  pem("kas-proxy-client-cert", "cert", "front-proxy-client.pem", CERT_IDS.frontProxyClient),
  pem("kas-proxy-client-key", "key", "front-proxy-client-key.pem", CERT_IDS.frontProxyClient),
  pem("kas-healthcheck-cert", "cert", "kube-apiserver-healthcheck-client.pem", CERT_IDS.healthcheckClient),
  pem("kas-healthcheck-key", "key", "kube-apiserver-healthcheck-client-key.pem", CERT_IDS.healthcheckClient),
  { id: "kas-unit", kind: "unit", target: () => unitPath(APISERVER_ID), content: { from: "unit" } },
  { id: "kas-verify", kind: "script", target: (c) => path.posix.join(workingDir(c, APISERVER_ID), "verify.sh"), content: { from: "verify" } },
];

/** encryptionConfigPath: the EncryptionConfiguration (it embeds the encryption key: 0600). */
export const encryptionConfigPath = (c: HasPaths) => path.posix.join(c.spec.paths.configDir, "encryption-config.yaml");
/** auditPolicyPath: the audit Policy. */
export const auditPolicyPath = (c: HasPaths) => path.posix.join(c.spec.paths.configDir, "audit-policy.yaml");
/** auditLogPath: where the log backend writes, in the working dir as the guide has it. */
export const auditLogPath = (c: HasPaths) => path.posix.join(workingDir(c, APISERVER_ID), "audit.log");
/** serviceAccountKeyPath, serviceAccountPubPath: the dedicated service-account key pair on the node (kubeadm's names). */
export const serviceAccountKeyPath = (c: HasPaths) => cert(c, "sa.key");
export const serviceAccountPubPath = (c: HasPaths) => cert(c, "sa.pub");

/** trustOf: the spec's `pki.trust` ("separate", the default, as kubeadm: a dedicated service-account key pair; "single",
 *  the guide: the CA key signs tokens too). Read defensively: the field belongs to the trust layout of the certificate table. */
export function trustOf(c: { spec: object }): "separate" | "single" {
  const pki = (c.spec as { pki?: { trust?: unknown } }).pki;
  return pki?.trust === "single" ? "single" : "separate";
}

/** serviceAccountFiles: the node paths of the key that signs service-account tokens and of the public key (or certificate)
 *  that verifies them: sa.key/sa.pub with `separate` trust, the CA's key and certificate with `single`. */
export function serviceAccountFiles(c: HasPaths & { spec: object }): { key: string; pub: string } {
  return trustOf(c) === "single"
    ? { key: cert(c, "ca-key.pem"), pub: cert(c, "ca.pem") }
    : { key: serviceAccountKeyPath(c), pub: serviceAccountPubPath(c) };
}
