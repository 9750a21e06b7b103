// kube-apiserver's admission plugins by release, as data: the names its --enable-admission-plugins and
// --disable-admission-plugins accept (an unknown name makes the binary refuse to start), and the spec rule that checks
// `apiServer.extraArgs` against the target release.
//
// Source: AllOrderedPlugins in kubernetes/kubernetes pkg/kubeapiserver/options/plugins.go (the stored copies of 1.19 and
// 1.28 and of the development branch after 1.36), dated by the pull requests that added or removed a plugin (see each row).
import { isNotYetIn, isRemovedIn } from "../flag-table.js";
import { minorOf, type KubeVersion } from "../release.js";

/** AdmissionPlugin: one plugin name and the minor releases that know it. `since` absent: known in 1.16 already;
 *  `removedIn` absent: still known in 1.37. `dated: false` marks a release inferred from a pull request's date rather than
 *  read in a release's source: a name outside those releases is a warning, not an error. */
export interface AdmissionPlugin {
  name: string;
  since?: string;
  removedIn?: string;
  dated?: false;
  /** Why it went, or what to use instead. */
  note?: string;
}

/** ADMISSION_PLUGINS: in the 1.16 order of AllOrderedPlugins, newer plugins after it. */
export const ADMISSION_PLUGINS: readonly AdmissionPlugin[] = [
  { name: "AlwaysAdmit" },
  { name: "NamespaceAutoProvision" },
  { name: "NamespaceLifecycle" },
  { name: "NamespaceExists" },
  // #122612 removed it (kubernetes/website#45136: "removed on main", published with 1.30); deprecated in 1.27 (KEP 3785).
  { name: "SecurityContextDeny", removedIn: "1.30", note: "use the PodSecurity admission plugin (Pod Security Standards)" },
  { name: "LimitPodHardAntiAffinityTopology" },
  // #94090 removed PodPreset and its settings.k8s.io/v1alpha1 API in 1.20.
  { name: "PodPreset", removedIn: "1.20", note: "the settings.k8s.io PodPreset API is gone; use a mutating admission webhook" },
  { name: "LimitRanger" },
  { name: "ServiceAccount" },
  { name: "NodeRestriction" },
  // Added by #73097 (1.14, cherry-picked to 1.12 and 1.13).
  { name: "TaintNodesByCondition" },
  { name: "AlwaysPullImages" },
  { name: "ImagePolicyWebhook" },
  // #109798 removed PodSecurityPolicy in 1.25.
  { name: "PodSecurityPolicy", removedIn: "1.25", note: "PodSecurityPolicy was removed; use the PodSecurity admission plugin (Pod Security Standards)" },
  { name: "PodNodeSelector" },
  { name: "Priority" },
  { name: "DefaultTolerationSeconds" },
  { name: "PodTolerationRestriction" },
  // Deprecated in 1.13 (#72737), removed by #98669 in 1.21 (kubernetes/website#27225).
  { name: "DenyEscalatingExec", removedIn: "1.21", note: "use the PodSecurity admission plugin or a policy webhook" },
  { name: "DenyExecOnPrivileged", removedIn: "1.21", note: "use the PodSecurity admission plugin or a policy webhook" },
  { name: "EventRateLimit" },
  { name: "ExtendedResourceToleration" },
  // #124505 (merged 2024-05, after 1.30) removed it: the in-tree cloud providers it asked are gone.
  { name: "PersistentVolumeLabel", removedIn: "1.31", note: "use kubernetes-sigs/cloud-pv-admission-labeler" },
  { name: "DefaultStorageClass" },
  { name: "StorageObjectInUseProtection" },
  { name: "OwnerReferencesPermissionEnforcement" },
  { name: "PersistentVolumeClaimResize" },
  { name: "RuntimeClass" },
  { name: "MutatingAdmissionWebhook" },
  { name: "ValidatingAdmissionWebhook" },
  { name: "ResourceQuota" },
  { name: "AlwaysDeny" },
  // The signerName plugins of #86933 (2020-02, 1.18).
  { name: "CertificateApproval", since: "1.18" },
  { name: "CertificateSigning", since: "1.18" },
  { name: "CertificateSubjectRestriction", since: "1.18" },
  // With the IngressClass API (networking.k8s.io, 1.18).
  { name: "DefaultIngressClass", since: "1.18" },
  // KEP 2200 (kubernetes/website#26297, 1.21).
  { name: "DenyServiceExternalIPs", since: "1.21" },
  // Pod Security admission, alpha in 1.22, on by default from 1.23.
  { name: "PodSecurity", since: "1.22" },
  { name: "ValidatingAdmissionPolicy", since: "1.26" },
  { name: "ClusterTrustBundleAttest", since: "1.27" },
  { name: "MutatingAdmissionPolicy", since: "1.32" },
  { name: "PodTopologyLabels", since: "1.33" },
  { name: "NodeDeclaredFeatureValidator", since: "1.35", dated: false },
  // KEP 5832: the PodGroup protection finalizer (#137641, 2026-03) and PodGroupWorkloadExists (#137464, milestone 1.36),
  // which #139008 (2026-05) removed again.
  { name: "PodGroupProtection", since: "1.36", dated: false },
  { name: "PodGroupWorkloadExists", since: "1.36", removedIn: "1.37", dated: false, note: "removed again by #139008" },
  // #136043 (2026-01): the OS and node-capacity checks of pod resizes.
  { name: "PodResizeValidator", since: "1.36", dated: false },
  // KEP 5547: Jobs with the Workload API (WorkloadWithJob).
  { name: "JobValidation", since: "1.37", dated: false },
];

/** PLUGIN_LIST_FLAGS: the flags whose value is a comma-separated list of admission plugin names. `admission-control` is the
 *  deprecated spelling of both. */
export const PLUGIN_LIST_FLAGS = ["enable-admission-plugins", "disable-admission-plugins", "admission-control"] as const;

/** pluginRow: the row of a plugin name (exact spelling, as kube-apiserver compares it), if any. */
export function pluginRow(name: string): AdmissionPlugin | undefined {
  return ADMISSION_PLUGINS.find((p) => p.name === name);
}

/** isPluginIn: true when release `v` knows plugin row `p` (the flag table's release questions, on the plugin's dates). */
export function isPluginIn(p: AdmissionPlugin, v: KubeVersion): boolean {
  return !isNotYetIn(p, v) && !isRemovedIn(p, v);
}

/** pluginsIn: every plugin name release `v` knows, in table order. */
export function pluginsIn(v: KubeVersion): string[] {
  return ADMISSION_PLUGINS.filter((p) => isPluginIn(p, v)).map((p) => p.name);
}

/** PluginProblem: what is wrong with one name of a plugin list for a release. */
export interface PluginProblem {
  name: string;
  severity: "error" | "warning";
  message: string;
  hint?: string;
}

/** pluginNameProblem: why release `v` would refuse (or may refuse) plugin `name`, if it would. */
export function pluginNameProblem(name: string, v: KubeVersion, closest: (name: string, known: string[]) => string | undefined): PluginProblem | undefined {
  const target = `target ${minorOf(v)}`;
  const row = pluginRow(name);
  if (!row) {
    const hint = closest(name, pluginsIn(v));
    const known = ADMISSION_PLUGINS.find((p) => p.name.toLowerCase() === name.toLowerCase());
    const spelled = known ? `; plugin names are case-sensitive: ${known.name}` : hint ? `; did you mean ${hint}?` : "";
    return { name, severity: "error", message: `${name} is no admission plugin kube-apiserver knows (${target})${spelled}; the apiserver refuses to start with an unknown plugin`, ...(known ? { hint: known.name } : hint ? { hint } : {}) };
  }
  if (isPluginIn(row, v)) return undefined;
  const severity = row.dated === false ? "warning" : "error";
  const may = row.dated === false ? " (release inferred from the pull request that changed it)" : "";
  if (isRemovedIn(row, v)) {
    return { name, severity, message: `admission plugin ${name} was removed in Kubernetes ${row.removedIn} (${target})${may}${row.note ? `: ${row.note}` : ""}` };
  }
  return { name, severity, message: `admission plugin ${name} does not exist before Kubernetes ${row.since} (${target})${may}` };
}
