// Admission plugins by release: the table against the upstream lists it was read from, and the spec rule that checks the
// names of apiServer.extraArgs' plugin lists against the target release.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { ADMISSION_PLUGINS, pluginsIn } from "../../../src/components/kube-apiserver/admission.js";
import { compareMinor, parseVersion, SUPPORTED } from "../../../src/components/release.js";
import { checkSpec } from "../../../src/spec/load.js";
import { ROOT, withTmp } from "../../helpers/tools.js";
import { cli } from "../../helpers/cli.js";
import { ecdsaSpec } from "../../helpers/specs.js";

const v = (m: string) => parseVersion(m)!;

// AllOrderedPlugins of kubernetes/kubernetes pkg/kubeapiserver/options/plugins.go as stored for 1.19 and 1.28 (forks pinned
// to those releases) and for the development branch during 1.37.
const UPSTREAM: Record<string, string[]> = {
  "1.19": [
    "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists", "SecurityContextDeny", "LimitPodHardAntiAffinityTopology", "PodPreset",
    "LimitRanger", "ServiceAccount", "NodeRestriction", "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurityPolicy", "PodNodeSelector",
    "Priority", "DefaultTolerationSeconds", "PodTolerationRestriction", "DenyEscalatingExec", "DenyExecOnPrivileged", "EventRateLimit", "ExtendedResourceToleration",
    "PersistentVolumeLabel", "DefaultStorageClass", "StorageObjectInUseProtection", "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize",
    "RuntimeClass", "CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass", "MutatingAdmissionWebhook",
    "ValidatingAdmissionWebhook", "ResourceQuota", "AlwaysDeny",
  ],
  "1.28": [
    "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists", "SecurityContextDeny", "LimitPodHardAntiAffinityTopology", "LimitRanger",
    "ServiceAccount", "NodeRestriction", "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity", "PodNodeSelector", "Priority",
    "DefaultTolerationSeconds", "PodTolerationRestriction", "EventRateLimit", "ExtendedResourceToleration", "PersistentVolumeLabel", "DefaultStorageClass",
    "StorageObjectInUseProtection", "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval",
    "CertificateSigning", "ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass", "DenyServiceExternalIPs",
    "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota", "AlwaysDeny",
  ],
  "1.37": [
    "AlwaysAdmit", "NamespaceAutoProvision", "NamespaceLifecycle", "NamespaceExists", "LimitPodHardAntiAffinityTopology", "LimitRanger", "ServiceAccount",
    "NodeRestriction", "TaintNodesByCondition", "AlwaysPullImages", "ImagePolicyWebhook", "PodSecurity", "PodNodeSelector", "Priority", "DefaultTolerationSeconds",
    "PodTolerationRestriction", "EventRateLimit", "ExtendedResourceToleration", "DefaultStorageClass", "StorageObjectInUseProtection", "PodGroupProtection",
    "OwnerReferencesPermissionEnforcement", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning", "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction", "DefaultIngressClass", "DenyServiceExternalIPs", "PodTopologyLabels", "NodeDeclaredFeatureValidator", "JobValidation",
    "PodResizeValidator", "MutatingAdmissionPolicy", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota",
    "AlwaysDeny",
  ],
};

const table = suite("admission plugins by release");

table("should know exactly the plugins of the upstream lists it was read from (1.19, 1.28; 1.37 without the reverted PodGroupWorkloadExists)", () => {
  for (const [minor, names] of Object.entries(UPSTREAM)) assert.equal(pluginsIn(v(minor)).sort(), [...names].sort(), minor);
});

table("should hold each name once, dated with supported releases, since before removedIn", () => {
  const names = ADMISSION_PLUGINS.map((p) => p.name);
  assert.equal(names.filter((n, i) => names.indexOf(n) !== i), []);
  for (const p of ADMISSION_PLUGINS) {
    for (const r of [p.since, p.removedIn]) if (r) assert.ok(compareMinor(v(r), SUPPORTED.min) > 0 && compareMinor(v(r), SUPPORTED.max) <= 0, `${p.name} ${r}`);
    if (p.since && p.removedIn) assert.ok(compareMinor(v(p.since), v(p.removedIn)) < 0, p.name);
  }
});

table("should drop PodSecurityPolicy in 1.25, SecurityContextDeny in 1.30, and know PodSecurity from 1.22", () => {
  assert.ok(pluginsIn(v("1.24")).includes("PodSecurityPolicy"));
  assert.not.ok(pluginsIn(v("1.25")).includes("PodSecurityPolicy"));
  assert.ok(pluginsIn(v("1.29")).includes("SecurityContextDeny"));
  assert.not.ok(pluginsIn(v("1.30")).includes("SecurityContextDeny"));
  assert.not.ok(pluginsIn(v("1.21")).includes("PodSecurity"));
  assert.ok(pluginsIn(v("1.22")).includes("PodSecurity"));
});

const rule = suite("apiServer.extraArgs admission plugin names");

const problemsOf = (version: string, extraArgs: Record<string, string | null>) =>
  checkSpec(
    JSON.stringify({ kubernetesVersion: version, serviceCIDR: "10.254.0.0/16", nodes: [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-2", ip: "10.0.0.2" }], apiServer: { extraArgs } }, null, 1),
    path.join(ROOT, "inline.json"),
  ).problems.filter((p) => p.pointer.startsWith("/apiServer/extraArgs"));

rule("should refuse PodSecurityPolicy from 1.25, naming the plugin, the release and the extraArgs entry", () => {
  assert.equal(problemsOf("1.24.0", { "enable-admission-plugins": "NodeRestriction,PodSecurityPolicy" }), []);
  const [p, ...rest] = problemsOf("1.25.0", { "enable-admission-plugins": "NodeRestriction,PodSecurityPolicy" });
  assert.equal(rest, []);
  assert.is(p!.severity, "error");
  assert.is(p!.pointer, "/apiServer/extraArgs/enable-admission-plugins");
  assert.match(p!.message, /^--enable-admission-plugins: admission plugin PodSecurityPolicy was removed in Kubernetes 1\.25 \(target 1\.25\): .*PodSecurity admission plugin/);
  assert.ok(typeof p!.line === "number", "located in the file");
});

rule("should refuse a plugin before its first release, in the disable list and the deprecated admission-control too", () => {
  const [p] = problemsOf("1.21.0", { "disable-admission-plugins": "PodSecurity" });
  assert.match(p!.message, /^--disable-admission-plugins: admission plugin PodSecurity does not exist before Kubernetes 1\.22 \(target 1\.21\)/);
  const [q] = problemsOf("1.31.0", { "admission-control": "NamespaceLifecycle,PersistentVolumeLabel" });
  assert.match(q!.message, /PersistentVolumeLabel was removed in Kubernetes 1\.31/);
});

rule("should refuse an unknown name with the closest known one, and a wrong case with the right spelling", () => {
  const [p] = problemsOf("1.36.0", { "enable-admission-plugins": "NodeRestrictoin" });
  assert.is(p!.severity, "error");
  assert.is(p!.hint, "NodeRestriction");
  assert.match(p!.message, /NodeRestrictoin is no admission plugin kube-apiserver knows \(target 1\.36\); did you mean NodeRestriction\?/);
  const [q] = problemsOf("1.36.0", { "enable-admission-plugins": "noderestriction" });
  assert.is(q!.hint, "NodeRestriction");
  assert.match(q!.message, /case-sensitive/);
  const [e] = problemsOf("1.36.0", { "enable-admission-plugins": "NodeRestriction," });
  assert.match(e!.message, /an empty plugin name/);
});

rule("should only warn for a plugin whose release is inferred from a pull request", () => {
  const [p] = problemsOf("1.36.0", { "enable-admission-plugins": "JobValidation" });
  assert.is(p!.severity, "warning");
  assert.match(p!.message, /JobValidation does not exist before Kubernetes 1\.37 .*inferred/);
});

rule("should refuse the guide's DynamicAuditing gate from 1.19 in --feature-gates, among other gates", () => {
  assert.equal(problemsOf("1.18.0", { "feature-gates": "DynamicAuditing=true" }), []);
  const [p] = problemsOf("1.19.0", { "feature-gates": "APIListChunking=true,DynamicAuditing=true" });
  assert.is(p!.severity, "error");
  assert.is(p!.pointer, "/apiServer/extraArgs/feature-gates");
  assert.match(p!.message, /DynamicAuditing was removed in Kubernetes 1\.19 \(target 1\.19\)/);
});

table.run();
rule.run();

const scope = suite("apiServer.extraArgs rules only where kube-apiserver is generated");

scope("should validate a refused plugin and a removed gate without kube-apiserver in components, and refuse them (exit 2, naming the entries) with it", async () => {
  await withTmp(async (t) => {
    const extraArgs = { "enable-admission-plugins": "NodeRestriction,PodSecurityPolicy", "feature-gates": "DynamicAuditing=true" };
    const spec = (components: string[] | undefined) =>
      ecdsaSpec(t.dir, (s) => ((s.kubernetesVersion = "1.25.0"), (s.apiServer = { ...s.apiServer, extraArgs }), components && (s.components = components)));
    const without = await cli("validate", spec(["etcd", "kube-controller-manager"]));
    assert.is(without.code, 0, without.err);
    assert.match(without.out, /valid/);
    for (const components of [["etcd", "kube-apiserver", "kube-controller-manager"], undefined]) {
      const withKas = await cli("validate", spec(components));
      assert.is(withKas.code, 2, `${components ?? "default components"}: ${withKas.out}${withKas.err}`);
      assert.match(withKas.err, /\/apiServer\/extraArgs\/enable-admission-plugins: .*PodSecurityPolicy was removed in Kubernetes 1\.25/);
      assert.match(withKas.err, /\/apiServer\/extraArgs\/feature-gates: .*DynamicAuditing was removed in Kubernetes 1\.19/);
    }
    const gen = await cli("generate", spec(["etcd", "kube-controller-manager"]), "--out", path.join(t.dir, "out"), "--quiet");
    assert.is(gen.code, 0, gen.err);
  });
});

scope.run();
