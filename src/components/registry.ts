// The component registry: every control-plane component kubebundle generates, in rollout order. Adding a component is
// a folder under src/components and a line here.
import type { Component, FileRow } from "./component.js";
import { SHARED_FILES, fileRow } from "./layout.js";
import { etcd } from "./etcd/index.js";
import { kubeApiserver } from "./kube-apiserver/index.js";
import { kubeControllerManager } from "./kube-controller-manager/index.js";
import { kubeScheduler } from "./kube-scheduler/index.js";
import type { HasPaths } from "./layout.js";

/** REGISTRY: the rows, in rollout order. */
export const REGISTRY = [etcd, kubeApiserver, kubeControllerManager, kubeScheduler] as const satisfies readonly Component[];

/** ComponentId: the id of a row of the registry. */
export type ComponentId = (typeof REGISTRY)[number]["id"];

/** COMPONENT_IDS: every id, in registry order. */
export const COMPONENT_IDS: readonly ComponentId[] = REGISTRY.map((c) => c.id);

/** componentsOf: the components a spec generates (its `components`, default all), in registry order. */
export function componentsOf(c: { spec: { components?: readonly string[] } }): readonly Component[] {
  const wanted = c.spec.components;
  return wanted === undefined ? REGISTRY : REGISTRY.filter((r) => wanted.includes(r.id));
}

/** componentsOfSpec: the components a spec still being validated generates (its `components` where that is a list, the
 *  strings in it; default all), for the spec rules. */
export function componentsOfSpec(spec: Record<string, unknown>): readonly Component[] {
  const given = spec.components;
  return componentsOf({ spec: { components: Array.isArray(given) ? given.filter((x): x is string => typeof x === "string") : undefined } });
}

/** nodeFiles: every file row a node gets for `components`: the shared ones, then each component's, a row that several
 *  list once; with `c`, only the rows whose `when` holds for it. */
export function nodeFiles(components: readonly Component[], c?: HasPaths): FileRow[] {
  const rows = [...new Set([...SHARED_FILES, ...components.flatMap((k) => k.files)])];
  return c ? rows.filter((r) => r.when?.(c) ?? true) : rows;
}

/** fileTarget: the target path of file row `id` among `components`' and the shared ones. */
export function fileTarget(c: HasPaths, components: readonly Component[], id: string): string {
  return fileRow(nodeFiles(components), id).target(c);
}

/** verifyCertIds: the certificate rows whose PEMs `k`'s verify.sh files hold (the CA and client file rows' content.cert), e.g.
 *  etcd's "etcd-ca" and "etcd-healthcheck-client": what out/admin/ copies for check-ha.sh; throws when one is no PEM row or
 *  the certificate and key files hold two rows. */
export function verifyCertIds(k: Component): { ca: string; client: string } {
  const rows = nodeFiles([k]);
  const certOf = (id: string) => {
    const content = fileRow(rows, id).content;
    if (content.from !== "pem") throw new Error(`${k.id}: verify file row "${id}" holds no certificate (${content.from})`);
    return content.cert;
  };
  const client = certOf(k.verifyFiles.cert);
  if (certOf(k.verifyFiles.key) !== client) throw new Error(`${k.id}: verify.sh's certificate and key files hold two certificate rows`);
  return { ca: certOf(k.verifyFiles.ca), client };
}
