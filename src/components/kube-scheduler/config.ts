// kube-scheduler's KubeSchedulerConfiguration, by release: the apiVersion the target accepts and the guide's settings
// where that version keeps them (shared/reference/control-plane-by-version.md, section 1.3).
import path from "node:path";
import { compareMinor, type KubeVersion } from "../release.js";
import type { Cluster, ClusterNode } from "../../spec/cluster.js";

/** ConfigVersion: one apiVersion of kubescheduler.config.k8s.io and the releases kubebundle writes it for. */
export interface ConfigVersion {
  apiVersion: string;
  /** First and last minor release it is used for (it may be accepted longer; this is the newest the release has). */
  from: string;
  to?: string;
  /** bindTimeoutSeconds and hardPodAffinitySymmetricWeight are top-level fields (else VolumeBinding and InterPodAffinity plugin arguments). */
  topLevelArgs: boolean;
  /** healthzBindAddress and metricsBindAddress exist (the unauthenticated plain-HTTP listeners); gone from v1beta3. */
  insecureListeners: boolean;
}

/** CONFIG_VERSIONS: oldest first. v1alpha2 (1.18 only) is skipped: v1alpha1 serves 1.18 too. */
export const CONFIG_VERSIONS: readonly ConfigVersion[] = [
  { apiVersion: "kubescheduler.config.k8s.io/v1alpha1", from: "1.16", to: "1.18", topLevelArgs: true, insecureListeners: true },
  { apiVersion: "kubescheduler.config.k8s.io/v1beta1", from: "1.19", to: "1.21", topLevelArgs: false, insecureListeners: true },
  { apiVersion: "kubescheduler.config.k8s.io/v1beta2", from: "1.22", to: "1.22", topLevelArgs: false, insecureListeners: true },
  { apiVersion: "kubescheduler.config.k8s.io/v1beta3", from: "1.23", to: "1.24", topLevelArgs: false, insecureListeners: false },
  { apiVersion: "kubescheduler.config.k8s.io/v1", from: "1.25", topLevelArgs: false, insecureListeners: false },
];

const minor = (m: string) => ({ major: Number(m.split(".")[0]), minor: Number(m.split(".")[1]) });

/** configVersionFor: the row of CONFIG_VERSIONS for a release. */
export function configVersionFor(v: KubeVersion): ConfigVersion {
  const row = CONFIG_VERSIONS.find((r) => compareMinor(v, minor(r.from)) >= 0 && (r.to === undefined || compareMinor(v, minor(r.to)) <= 0));
  if (!row) throw new Error(`no KubeSchedulerConfiguration version for ${v.text}`);
  return row;
}

type HasConfigDir = { spec: { paths: { configDir: string } } };
/** configPath: where its KubeSchedulerConfiguration lands. */
export const configPath = (c: HasConfigDir) => path.posix.join(c.spec.paths.configDir, "kube-scheduler.yaml");
/** kubeconfigPath: where its kubeconfig lands (the configuration's clientConnection names it). */
export const kubeconfigPath = (c: HasConfigDir) => path.posix.join(c.spec.paths.configDir, "kube-scheduler.kubeconfig");

/** GUIDE: the guide's settings. */
const GUIDE = { bindTimeoutSeconds: 600, hardPodAffinityWeight: 1, qps: 100, burst: 200 } as const;

/** insecureListener: where the unauthenticated plain-HTTP healthz and metrics listener goes, where the configuration has it.
 *  1.16 reads the file unvalidated and port 0 switches the listener off. 1.17-1.22 validate the file and refuse port 0
 *  (an empty address means 0.0.0.0:10251, and --port=0 is ignored beside --config), so the listener is kept on the
 *  loopback address, where no other host reaches it (the guide opens it on the node's IP). */
export function insecureListener(v: KubeVersion, node: ClusterNode): string | null {
  if (!configVersionFor(v).insecureListeners) return null;
  if (compareMinor(v, { major: 1, minor: 16 }) <= 0) return `${node.family === "ipv6" ? `[${node.ip}]` : node.ip}:0`;
  return "127.0.0.1:10251";
}

/** schedulerConfig: the node's KubeSchedulerConfiguration (the node matters only on 1.16, whose listener address names it). */
export function schedulerConfig(c: Cluster, node: ClusterNode): object {
  const version = configVersionFor(c.version);
  const listener = insecureListener(c.version, node);
  const listeners = listener === null ? {} : { healthzBindAddress: listener, metricsBindAddress: listener };
  const args = version.topLevelArgs
    ? { bindTimeoutSeconds: GUIDE.bindTimeoutSeconds, hardPodAffinitySymmetricWeight: GUIDE.hardPodAffinityWeight }
    : {
        profiles: [
          {
            schedulerName: "default-scheduler",
            pluginConfig: [
              { name: "InterPodAffinity", args: { hardPodAffinityWeight: GUIDE.hardPodAffinityWeight } },
              { name: "VolumeBinding", args: { bindTimeoutSeconds: GUIDE.bindTimeoutSeconds } },
            ],
          },
        ],
      };
  return {
    apiVersion: version.apiVersion,
    kind: "KubeSchedulerConfiguration",
    ...(version.topLevelArgs ? { bindTimeoutSeconds: args.bindTimeoutSeconds } : {}),
    clientConnection: { burst: GUIDE.burst, kubeconfig: kubeconfigPath(c), qps: GUIDE.qps },
    enableContentionProfiling: false,
    enableProfiling: true,
    ...(version.topLevelArgs ? { hardPodAffinitySymmetricWeight: GUIDE.hardPodAffinityWeight } : {}),
    ...listeners,
    leaderElection: { leaderElect: true },
    ...("profiles" in args ? { profiles: args.profiles } : {}),
  };
}
