// Kubeconfigs: a small spec record, a pure builder, and a YAML serialiser.
import { stringify } from "yaml";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** KubeconfigSpec: everything one kubeconfig holds; the context is named after the user. */
export interface KubeconfigSpec {
  clusterName: string;
  server: string;
  user: string;
  /** certificate-authority-data: the CA, followed by its issuers up to the root when it is an intermediate. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** serverFor: `apiServer.endpoint` (scheme, host and port) when set, else `https://<node ip>:<port>`, IPv6 in brackets. */
export function serverFor(cluster: Cluster, node: ClusterNode): string {
  const { endpoint, port } = cluster.spec.apiServer;
  if (endpoint) {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  }
  const host = node.family === "ipv6" ? `[${node.ip}]` : node.ip;
  return `https://${host}:${port}`;
}

const base64 = (pem: string) => Buffer.from(pem, "utf8").toString("base64");

/** buildKubeconfig: the kubeconfig object with embedded certificate data; keys in kubectl's (alphabetical) order. */
export function buildKubeconfig(spec: KubeconfigSpec): object {
  return {
    apiVersion: "v1",
    clusters: [{ cluster: { "certificate-authority-data": base64(spec.caPem), server: spec.server }, name: spec.clusterName }],
    contexts: [{ context: { cluster: spec.clusterName, user: spec.user }, name: spec.user }],
    "current-context": spec.user,
    kind: "Config",
    preferences: {},
    users: [{ name: spec.user, user: { "client-certificate-data": base64(spec.certPem), "client-key-data": base64(spec.keyPem) } }],
  };
}

/** serializeKubeconfig: YAML laid out as kubectl writes it: sorted keys, unindented lists, no line folding. */
export function serializeKubeconfig(obj: object): string {
  return stringify(obj, { sortMapEntries: true, indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

/** nodeKubeconfig: a component's kubeconfig on a node (its apiserver, or apiServer.endpoint), certificates embedded. */
export function nodeKubeconfig(cluster: Cluster, node: ClusterNode, user: string, certs: { ca: string; cert: string; key: string }): string {
  return serializeKubeconfig(
    buildKubeconfig({
      clusterName: cluster.spec.clusterName,
      server: serverFor(cluster, node),
      user,
      caPem: certs.ca,
      certPem: certs.cert,
      keyPem: certs.key,
    }),
  );
}
