// kube-apiserver's files on a node, one row each: its certificates and keys, the etcd CA and the front-proxy CA it shares
// with etcd and the other components, the service-account pair it shares with kube-controller-manager, the encryption
// configuration (it holds the encryption key: 0600), the audit policy, the unit and verify.sh. The flag table names every
// one of them through this module, so each path is written in one place.
import path from "node:path";
import type { FileRow } from "../component.js";
import { unitPath, workingDir, type HasPaths } from "../layout.js";
import { FRONT_PROXY_CA_FILE, SA_KEY_FILE, SA_PUB_FILE } from "../shared-files.js";
import { ETCD_FILES } from "../etcd/files.js";
import { fileRow } from "../layout.js";
import { auditPolicy, encryptionConfig } from "./config.js";

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

/** APISERVER_FILES: its certificates and keys, the shared CAs and key pair, its configuration files, unit and verify.sh. */
export const APISERVER_FILES: readonly FileRow[] = [
  pem("kas-cert", "cert", "kube-apiserver.pem", CERT_IDS.serving),
  pem("kas-key", "key", "kube-apiserver-key.pem", CERT_IDS.serving),
  // etcd's CA at etcd's own path (<certDir>/etcd/ca.pem): one file on a node that runs both.
  fileRow(ETCD_FILES, "etcd-ca-cert"),
  pem("kas-etcd-client-cert", "cert", "apiserver-etcd-client.pem", CERT_IDS.etcdClient),
  pem("kas-etcd-client-key", "key", "apiserver-etcd-client-key.pem", CERT_IDS.etcdClient),
  pem("kas-kubelet-client-cert", "cert", "apiserver-kubelet-client.pem", CERT_IDS.kubeletClient),
  pem("kas-kubelet-client-key", "key", "apiserver-kubelet-client-key.pem", CERT_IDS.kubeletClient),
  FRONT_PROXY_CA_FILE,
  pem("kas-proxy-client-cert", "cert", "front-proxy-client.pem", CERT_IDS.frontProxyClient),
  pem("kas-proxy-client-key", "key", "front-proxy-client-key.pem", CERT_IDS.frontProxyClient),
  pem("kas-healthcheck-cert", "cert", "kube-apiserver-healthcheck-client.pem", CERT_IDS.healthcheckClient),
  pem("kas-healthcheck-key", "key", "kube-apiserver-healthcheck-client-key.pem", CERT_IDS.healthcheckClient),
  SA_KEY_FILE,
  SA_PUB_FILE,
  {
    id: "kas-encryption-config",
    kind: "secret-config",
    target: (c) => encryptionConfigPath(c),
    content: { from: "yaml", build: (c, _node, secrets) => encryptionConfig(c.spec.apiServer.encryption.provider, secrets.encryptionKey ?? "", secrets.previousProviders) },
  },
  { id: "kas-audit-policy", kind: "config", target: (c) => auditPolicyPath(c), content: { from: "yaml", build: () => auditPolicy() }, when: auditOn },
  { id: "kas-unit", kind: "unit", target: () => unitPath(APISERVER_ID), content: { from: "unit" } },
  { id: "kas-verify", kind: "script", target: (c) => path.posix.join(workingDir(c, APISERVER_ID), "verify.sh"), content: { from: "verify" } },
];

/** auditOn: `apiServer.audit` (default true), read defensively: file rows are asked during validation. */
function auditOn(c: HasPaths): boolean {
  return (c.spec as { apiServer?: { audit?: unknown } }).apiServer?.audit !== false;
}

/** encryptionConfigPath: the EncryptionConfiguration (it embeds the encryption key: 0600). */
export const encryptionConfigPath = (c: HasPaths) => path.posix.join(c.spec.paths.configDir, "encryption-config.yaml");
/** auditPolicyPath: the audit Policy. */
export const auditPolicyPath = (c: HasPaths) => path.posix.join(c.spec.paths.configDir, "audit-policy.yaml");
/** auditLogPath: where the log backend writes, in the working dir as the guide has it. */
export const auditLogPath = (c: HasPaths) => path.posix.join(workingDir(c, APISERVER_ID), "audit.log");
