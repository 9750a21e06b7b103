// File rows that several components read, each declared once here and listed in the `files` of every component that
// reads it: the node gets one file per target, installed with any of them (src/plan/node-plan.ts merges the rows).
// The front-proxy CA (the --requestheader-client-ca-file of every component with the flag) and the service-account
// key pair (kube-apiserver verifies and signs tokens, kube-controller-manager signs them).
import path from "node:path";
import type { FileRow } from "./component.js";
import { SHARED_FILES, fileRow, type HasPaths } from "./layout.js";

/** trustOf: the spec's `pki.trust` ("separate", the default, as kubeadm; "single", the guide: the cluster CA signs
 *  everything and its key signs service-account tokens too). Read defensively: file rows are asked during validation. */
export function trustOf(c: { spec: object }): "separate" | "single" {
  const pki = (c.spec as { pki?: { trust?: unknown } }).pki;
  return pki?.trust === "single" ? "single" : "separate";
}

const inCertDir = (name: string) => (c: HasPaths) => path.posix.join(c.spec.paths.certDir, name);

/** TOKEN_VERIFIER: the component that verifies service-account tokens (--service-account-key-file). */
const TOKEN_VERIFIER = "kube-apiserver";

/** dedicatedServiceAccount: whether tokens are signed by the dedicated pair sa.key/sa.pub: with `separate` trust when
 *  kube-apiserver is generated too (it is then configured to verify with sa.pub). Otherwise the cluster CA's key signs
 *  them, as in the guide, whose kube-apiserver verifies with ca.pem. Read defensively (`components` absent: all). */
export function dedicatedServiceAccount(c: HasPaths): boolean {
  const list = (c.spec as { components?: unknown }).components;
  return trustOf(c) === "separate" && (!Array.isArray(list) || list.includes(TOKEN_VERIFIER));
}

/** FRONT_PROXY_CLIENT_CN: the CN of the front proxy's client certificate (kube-apiserver's --proxy-client-cert-file), and
 *  the one name --requestheader-allowed-names allows on every component. */
export const FRONT_PROXY_CLIENT_CN = "front-proxy-client";

/** FRONT_PROXY_CA_FILE: the CA that signs the front proxy's client certificate (front-proxy-ca; the cluster CA under
 *  `single`, whose certificate is then this file's content as well). */
export const FRONT_PROXY_CA_FILE: FileRow = {
  id: "front-proxy-ca-cert",
  kind: "cert",
  target: inCertDir("front-proxy-ca.pem"),
  content: { from: "pem", cert: "front-proxy-ca", part: "cert" },
};

/** SA_KEY_FILE, SA_PUB_FILE: the dedicated service-account key pair (kubeadm's sa.key and sa.pub), when
 *  dedicatedServiceAccount: otherwise the cluster CA's key and certificate (SHARED_FILES) take their place. */
export const SA_KEY_FILE: FileRow = { id: "sa-key", kind: "key", target: inCertDir("sa.key"), content: { from: "secret", part: "sa-key" }, when: dedicatedServiceAccount };
export const SA_PUB_FILE: FileRow = { id: "sa-pub", kind: "cert", target: inCertDir("sa.pub"), content: { from: "secret", part: "sa-pub" }, when: dedicatedServiceAccount };

/** serviceAccountFiles: the node paths of the key that signs service-account tokens and of the public key (or certificate)
 *  that verifies them: sa.key/sa.pub when dedicatedServiceAccount, else the CA's key and certificate. */
export function serviceAccountFiles(c: HasPaths): { key: string; pub: string } {
  const rows = dedicatedServiceAccount(c) ? [SA_KEY_FILE, SA_PUB_FILE] : [fileRow(SHARED_FILES, "ca-key"), fileRow(SHARED_FILES, "ca-cert")];
  return { key: rows[0]!.target(c), pub: rows[1]!.target(c) };
}
