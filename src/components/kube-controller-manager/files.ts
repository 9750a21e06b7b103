// kube-controller-manager's files on a node, one row each.
import path from "node:path";
import type { FileRow } from "../component.js";
import { unitPath, workingDir } from "../layout.js";
import { FRONT_PROXY_CA_FILE, SA_KEY_FILE } from "../shared-files.js";

export const KCM_ID = "kube-controller-manager";

/** KCM_USER: the user and context name of its kubeconfig, as the guide's `kubectl config set-credentials` writes them. */
export const KCM_USER = "system:kube-controller-manager";

/** KCM_FILES: in the order the guide creates them, the front-proxy CA its --requestheader-client-ca-file names and the
 *  service-account signing key (with `separate` trust; the CA key with `single`). */
export const KCM_FILES: readonly FileRow[] = [
  { id: "kcm-cert", kind: "cert", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-controller-manager.pem"), content: { from: "pem", cert: KCM_ID, part: "cert" } },
  { id: "kcm-key", kind: "key", target: (c) => path.posix.join(c.spec.paths.certDir, "kube-controller-manager-key.pem"), content: { from: "pem", cert: KCM_ID, part: "key" } },
  {
    id: "kcm-kubeconfig",
    kind: "kubeconfig",
    target: (c) => path.posix.join(c.spec.paths.configDir, "kube-controller-manager.kubeconfig"),
    content: { from: "kubeconfig", cert: KCM_ID, user: KCM_USER },
  },
  FRONT_PROXY_CA_FILE,
  SA_KEY_FILE,
  { id: "kcm-unit", kind: "unit", target: () => unitPath(KCM_ID), content: { from: "unit" } },
  { id: "kcm-verify", kind: "script", target: (c) => path.posix.join(workingDir(c, KCM_ID), "verify.sh"), content: { from: "verify" } },
];
