// etcd's release axis: `etcd.version`, or the release kubeadm pairs with the target Kubernetes release.
import { compareMinor, parseVersion, type KubeVersion } from "../release.js";

/** ETCD_BY_KUBERNETES: the etcd minor release kubeadm pairs with each Kubernetes minor release (kubeadm's
 *  constants.SupportedEtcdVersion: 3.4.3 for 1.17-1.18, 3.4.13 for 1.19-1.21, 3.5.x from 1.22, 3.6.x from 1.34), first
 *  match from the newest. 1.16 (kubeadm: 3.3.17) gets 3.4, the guide's; 1.37 (kubeadm: 3.7) gets 3.6, the newest etcd
 *  kubebundle knows. */
export const ETCD_BY_KUBERNETES: readonly { since: { major: number; minor: number }; etcd: string }[] = [
  { since: { major: 1, minor: 34 }, etcd: "3.6" },
  { since: { major: 1, minor: 22 }, etcd: "3.5" },
  { since: { major: 1, minor: 16 }, etcd: "3.4" },
];

/** etcdVersionOf: `etcd.version` when given (it passed the schema's pattern), else the table's release for `kube`. */
export function etcdVersionOf(given: string | undefined, kube: KubeVersion): KubeVersion {
  const text = given ?? (ETCD_BY_KUBERNETES.find((r) => compareMinor(kube, r.since) >= 0) ?? ETCD_BY_KUBERNETES.at(-1)!).etcd;
  const v = parseVersion(text);
  if (!v) throw new Error(`bad etcd version "${text}"`);
  return v;
}

/** SUPPORTED_ETCD: the oldest and newest etcd minor releases the flag table covers (the schema's etcd.version pattern). */
export const SUPPORTED_ETCD = { min: { major: 3, minor: 4 }, max: { major: 3, minor: 6 } } as const;
