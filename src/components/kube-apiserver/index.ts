// kube-apiserver, chapter 05-2 of the guide: its files on a node (certificates, the etcd and front-proxy CAs, the
// service-account pair, the encryption configuration and audit policy), its flag table by release, what its checks read.
import type { Component } from "../component.js";
import { APISERVER, APISERVER_BUILTIN } from "./flags.js";
import { APISERVER_FILES, APISERVER_ID } from "./files.js";
import { APISERVER_CERTS, rbacObjects } from "./certs.js";
import { KNOWN_FLAGS } from "./known-flags.js";

export const kubeApiserver = {
  id: APISERVER_ID,
  binary: "kube-apiserver",
  section: "apiServer",
  unit: {
    description: "Kubernetes API Server",
    documentation: "https://github.com/GoogleCloudPlatform/kubernetes",
    // kube-apiserver tells systemd when it serves (sd_notify READY=1), as the guide's unit has it.
    type: "notify",
    limitNOFILE: 65536,
    after: "network.target",
  },
  // Its first start waits for etcd, which on a new cluster waits for a quorum of nodes: install.sh starts it without
  // waiting, so that nodes can be installed one by one.
  startsWithoutWaiting: true,
  certs: APISERVER_CERTS,
  files: APISERVER_FILES,
  knownFlags: KNOWN_FLAGS,
  flags: APISERVER,
  builtin: APISERVER_BUILTIN,
  // /livez and /readyz with the health-check client: --anonymous-auth=false refuses anonymous probes, and the client's
  // only permission is `get` on the health paths (the RBAC manifest in out/admin/). check-ha.sh asks every node's /readyz,
  // and the endpoint's when there is one, with the admin credentials of the admin host.
  health: { kind: "healthz", paths: ["/livez", "/readyz"], everyNode: { path: "/readyz", endpoint: (c) => c.spec.apiServer.endpoint ?? null } },
  verifyFiles: { ca: "ca-cert", cert: "kas-healthcheck-cert", key: "kas-healthcheck-key" },
  rollout: { allAtOnceOnNewCluster: false, gate: { kind: "https", path: "/readyz", ca: "ca-cert", cert: "kas-healthcheck-cert", key: "kas-healthcheck-key" } },
  adminManifest: { file: "apiserver-rbac.yaml", about: "the RBAC objects kube-apiserver's client identities need (its kubelet client, the health-check user)", objects: () => rbacObjects() },
} as const satisfies Component;
