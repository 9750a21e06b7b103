// kube-scheduler: its configuration and unit by release (goldens, and the configuration read back against the version
// table), its extraArgs rules, and `components` choosing what a bundle holds.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import path from "node:path";
import { readdirSync } from "node:fs";
import { kubeScheduler } from "../../src/components/kube-scheduler/index.js";
import { CONFIG_VERSIONS, configPath, configVersionFor, kubeconfigPath, schedulerConfig } from "../../src/components/kube-scheduler/config.js";
import { compareMinor, supportedMinors } from "../../src/components/release.js";
import { renderUnit } from "../../src/render/unit.js";
import { componentFlags } from "../../src/render/flags.js";
import { checkSpec } from "../../src/spec/load.js";
import { PEMS, SECRETS, clusterWith } from "../plan/_specs.js";
import { planNode } from "../../src/plan/node-plan.js";
import { golden } from "../helpers/golden.js";
import { cli } from "../helpers/cli.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { withTmp, ROOT } from "../helpers/tools.js";
import type { Cluster } from "../../src/spec/cluster.js";

const at = (version: string): Cluster => clusterWith("valid-guide-1.16.json", (s) => ((s.kubernetesVersion = version), (s.components = ["kube-scheduler"])));
const minorNumber = (m: string) => Number(m.split(".")[1]);

const byRelease = suite("kube-scheduler by release");

byRelease("should match the golden configuration and unit for 1.16, 1.18, 1.19, 1.22, 1.23, 1.25 and the newest release", () => {
  for (const v of ["1.16.6", "1.18.0", "1.19.0", "1.22.0", "1.23.0", "1.25.0", "1.37.0"]) {
    const c = at(v);
    const node = c.nodes[0]!;
    const files = planNode(c, node, (id) => PEMS[id as keyof typeof PEMS] ?? PEMS["kube-controller-manager"], "0.0.0-test", SECRETS).files;
    const fileAt = (target: string) => files.find((f) => f.target === target)!.content.toString("utf8");
    const yaml = fileAt(configPath(c));
    golden(`test/golden/components/kube-scheduler/${v}.yaml`, yaml);
    assert.equal(parse(yaml), schedulerConfig(c, node), "the file is the configuration, written as YAML");
    golden(`test/golden/components/kube-scheduler/${v}.service`, fileAt("/etc/systemd/system/kube-scheduler.service"));
    assert.is(fileAt("/etc/systemd/system/kube-scheduler.service"), renderUnit(kubeScheduler, c, node));
  }
});

byRelease("should write, for every release, the apiVersion its table row names, with the guide's settings where that version keeps them", () => {
  for (const v of supportedMinors()) {
    const c = at(v.text);
    const node = c.nodes[1]!;
    const row = configVersionFor(v);
    assert.ok(compareMinor(v, { major: 1, minor: minorNumber(row.from) }) >= 0 && (row.to === undefined || v.minor <= minorNumber(row.to)), v.text);
    const doc = parse(JSON.stringify(schedulerConfig(c, node))) as Record<string, any>;
    assert.is(doc.apiVersion, row.apiVersion, v.text);
    assert.is(doc.kind, "KubeSchedulerConfiguration");
    assert.equal(doc.clientConnection, { burst: 200, kubeconfig: kubeconfigPath(c), qps: 100 }, v.text);
    assert.equal(doc.leaderElection, { leaderElect: true }, v.text);
    assert.equal([doc.enableProfiling, doc.enableContentionProfiling], [true, false]);
    const old = v.minor <= 18;
    assert.is(doc.bindTimeoutSeconds, old ? 600 : undefined, `${v.text} bindTimeoutSeconds top-level`);
    assert.is(doc.hardPodAffinitySymmetricWeight, old ? 1 : undefined, `${v.text} hardPodAffinitySymmetricWeight top-level`);
    const plugins = old ? undefined : doc.profiles[0].pluginConfig;
    if (!old) {
      assert.is(doc.profiles[0].schedulerName, "default-scheduler");
      assert.equal(plugins, [{ name: "InterPodAffinity", args: { hardPodAffinityWeight: 1 } }, { name: "VolumeBinding", args: { bindTimeoutSeconds: 600 } }]);
    }
    // The unauthenticated listeners: closed with port 0 on 1.16, on loopback 1.17-1.22 (port 0 is refused there), gone from 1.23.
    const listener = v.minor === 16 ? `${node.ip}:0` : v.minor <= 22 ? "127.0.0.1:10251" : undefined;
    assert.is(doc.healthzBindAddress, listener, `${v.text} healthzBindAddress`);
    assert.is(doc.metricsBindAddress, listener, `${v.text} metricsBindAddress`);
  }
  assert.equal(CONFIG_VERSIONS.map((r) => r.apiVersion.split("/")[1]), ["v1alpha1", "v1beta1", "v1beta2", "v1beta3", "v1"]);
});

byRelease("should start the unit with --config, its own port and serving certificate, --port=0 and klog's flag only where the release has them, no empty values", () => {
  for (const v of supportedMinors()) {
    const c = at(v.text);
    const flags = new Map(componentFlags(kubeScheduler, c, c.nodes[0]!).map((f) => [f.name, f.value]));
    assert.is(flags.get("config"), configPath(c));
    assert.is(flags.get("secure-port"), "10259");
    assert.is(flags.get("bind-address"), c.nodes[0]!.ip);
    assert.is(flags.get("tls-cert-file"), "/etc/kubernetes/cert/kube-scheduler.pem");
    assert.is(flags.get("authentication-kubeconfig"), kubeconfigPath(c));
    assert.is(flags.get("port"), v.minor <= 22 ? "0" : undefined, `${v.text} --port`);
    assert.is(flags.get("logtostderr"), v.minor <= 22 ? "true" : undefined, `${v.text} --logtostderr`);
    assert.is(flags.get("v"), "2");
    for (const [name, value] of flags) assert.ok(value !== "" && !value.includes('"'), `--${name}=${value}`);
  }
});

byRelease.run();

const rules = suite("scheduler.extraArgs and components");
const problems = (patch: Record<string, unknown>) =>
  checkSpec(JSON.stringify({ serviceCIDR: "10.254.0.0/16", nodes: [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-2", ip: "10.0.0.2" }], ...patch }), path.join(ROOT, "inline.json")).problems;

rules("should refuse a flag the target release removed, naming the release and what to do instead", () => {
  const port = problems({ kubernetesVersion: "1.24.0", scheduler: { extraArgs: { port: "0" } } }).filter((p) => p.severity === "error");
  assert.equal(port.map((p) => p.pointer), ["/scheduler/extraArgs/port"]);
  assert.match(port[0]!.message, /--port was removed in Kubernetes 1\.24/);
  const policy = problems({ kubernetesVersion: "1.23.0", scheduler: { extraArgs: { "policy-config-file": "/etc/p.json" } } }).filter((p) => p.severity === "error");
  assert.match(policy[0]!.message, /--policy-config-file was removed in Kubernetes 1\.23.*KubeSchedulerConfiguration/);
  assert.equal(problems({ kubernetesVersion: "1.22.0", scheduler: { extraArgs: { "policy-config-file": "/etc/p.json" } } }).filter((p) => p.severity === "error"), []);
});

rules("should check booleans and the values it reads back, and a secure port clashing with the apiserver's", () => {
  const bool = problems({ kubernetesVersion: "1.20.0", scheduler: { extraArgs: { logtostderr: "yes" } } }).filter((p) => p.severity === "error");
  assert.match(bool[0]!.message, /"yes" is not a boolean: --logtostderr takes true or false, and kube-scheduler refuses to start otherwise/);
  assert.match(problems({ scheduler: { extraArgs: { "secure-port": "http" } } })[0]!.message, /not a port number/);
  const clash = problems({ scheduler: { securePort: 6443 } }).filter((p) => p.severity === "error");
  assert.equal(clash.map((p) => p.pointer), ["/scheduler/securePort"]);
});

rules("should warn about an extraArgs name no flag list of the release knows, with the closest known name", () => {
  const kcm = problems({ controllerManager: { extraArgs: { controlers: "*" } } });
  assert.equal(kcm.map((p) => [p.severity, p.pointer, p.hint]), [["warning", "/controllerManager/extraArgs/controlers", "controllers"]]);
  assert.match(kcm[0]!.message, /--controlers is no kube-controller-manager flag kubebundle knows for Kubernetes 1\.36; did you mean --controllers\?/);
  const sched = problems({ scheduler: { extraArgs: { "bind-adress": "0.0.0.0" } } });
  assert.equal(sched.map((p) => [p.severity, p.hint]), [["warning", "bind-address"]]);
  assert.equal(problems({ scheduler: { extraArgs: { "feature-gates": "A=true", vmodule: "x=2" } }, controllerManager: { extraArgs: { "allocate-node-cidrs": "true", "concurrent-rc-syncs": "5" } } }), [], "known names");
  assert.equal(problems({ kubernetesVersion: "1.20.0", controllerManager: { extraArgs: { "one-output": "true" } } }), [], "a flag of the table is judged by its row");
});

rules("should refuse unknown or repeated component names, listing the known ones", () => {
  const unknown = problems({ components: ["kube-schedular"] }).filter((p) => p.severity === "error");
  assert.equal(unknown.map((p) => p.pointer), ["/components/0"]);
  assert.match(unknown[0]!.message, /"kube-controller-manager", "kube-scheduler"/);
  const twice = problems({ components: ["kube-scheduler", "kube-scheduler"] }).filter((p) => p.severity === "error");
  assert.equal(twice.map((p) => p.pointer), ["/components"]);
});

rules("should put only the chosen components' files in each bundle, and every component's by default", async () => {
  await withTmp(async (t) => {
    const only = await cli("generate", ecdsaSpec(t.dir, (s) => (s.components = ["kube-scheduler"])), "--out", path.join(t.dir, "only"), "--quiet");
    assert.is(only.code, 0, only.err);
    const units = readdirSync(path.join(t.dir, "only/nodes/idc-k8s-01/rootfs/etc/systemd/system"));
    assert.equal(units, ["kube-scheduler.service"]);
    assert.equal(readdirSync(path.join(t.dir, "only/pki")).filter((f) => f.includes("controller")), []);
    const all = await cli("generate", ecdsaSpec(t.dir), "--out", path.join(t.dir, "all"), "--quiet");
    assert.is(all.code, 0, all.err);
    assert.equal(readdirSync(path.join(t.dir, "all/nodes/idc-k8s-01/rootfs/etc/systemd/system")), ["etcd.service", "kube-apiserver.service", "kube-controller-manager.service", "kube-scheduler.service"]);
  });
});

rules.run();
