// What planAdmin gives the admin host: the admin kubeconfig, and check-ha.sh with the release's
// leader lock and the effective leader-election timing.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parse, parseAllDocuments } from "yaml";
import { planAdmin, type AdminFile } from "../../src/plan/admin-plan.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { rowById } from "../../src/pki/certlist.js";
import { needTool, tmp } from "../helpers/tools.js";
import { clusterWith, loadFixture, PEMS } from "./_specs.js";

// Stand-in PEMs: the CA's for any other CA or client row (etcd's, for out/admin/etcd/).
const plan = (c: Cluster): AdminFile[] => planAdmin(c, (id) => PEMS[id as keyof typeof PEMS] ?? PEMS.ca, "0.0.0-test");
const fileOf = (c: Cluster, p: string): AdminFile => {
  const f = plan(c).find((x) => x.path === p);
  assert.ok(f, `planAdmin holds ${p}`);
  return f!;
};
const textOf = (c: Cluster, p: string) => fileOf(c, p).content.toString("utf8");
const unbase64 = (s: unknown) => Buffer.from(String(s), "base64").toString("utf8");

// ---------------------------------------------------------------------------------------------
const kubeconfig = suite("planAdmin: admin/admin.kubeconfig");

/** adminKubeconfig: the parsed YAML of the admin kubeconfig. */
const adminKubeconfig = (c: Cluster): any => parse(textOf(c, "admin/admin.kubeconfig"));

kubeconfig("should point at the first node's apiserver when no endpoint is set", () => {
  const c = clusterWith("spec/valid-minimal.json", (s) => {
    s.apiServer = { port: 7443 };
    s.nodes = [{ name: "cp-2", ip: "10.0.0.9" }, { name: "cp-1", ip: "10.0.0.1" }];
  });
  const k = adminKubeconfig(c);
  assert.is(k.clusters.length, 1);
  assert.is(k.clusters[0].cluster.server, "https://10.0.0.9:7443");
});

kubeconfig("should bracket the first node's IPv6 address", () => {
  const c = loadFixture("spec/valid-ipv6.json");
  assert.is(adminKubeconfig(c).clusters[0].cluster.server, "https://[2001:db8::1]:6443");
});

kubeconfig("should point at apiServer.endpoint when it is set", () => {
  const c = clusterWith("spec/valid-minimal.json", (s) => (s.apiServer = { port: 6443, endpoint: "https://10.0.0.100:8443" }));
  assert.is(adminKubeconfig(c).clusters[0].cluster.server, "https://10.0.0.100:8443");
  const v6 = clusterWith("spec/valid-ipv6.json", (s) => (s.apiServer = { endpoint: "https://[fd00::100]:8443" }));
  assert.is(adminKubeconfig(v6).clusters[0].cluster.server, "https://[fd00::100]:8443");
});

kubeconfig("should name user and context admin, select that context, and embed the CA and the admin certificate and key", () => {
  const c = clusterWith("spec/valid-minimal.json", (s) => (s.clusterName = "prod-east"));
  const k = adminKubeconfig(c);
  assert.is(k.apiVersion, "v1");
  assert.is(k.kind, "Config");
  assert.is(k.clusters[0].name, "prod-east");
  assert.equal(k.users.map((u: any) => u.name), ["admin"]);
  assert.equal(k.contexts, [{ name: "admin", context: { cluster: "prod-east", user: "admin" } }]);
  assert.is(k["current-context"], "admin");
  assert.is(unbase64(k.clusters[0].cluster["certificate-authority-data"]), PEMS.ca.cert);
  assert.is(unbase64(k.users[0].user["client-certificate-data"]), PEMS.admin.cert);
  assert.is(unbase64(k.users[0].user["client-key-data"]), PEMS.admin.key);
  assert.is(fileOf(c, "admin/admin.kubeconfig").mode, 0o600);
});

kubeconfig.run();

// ---------------------------------------------------------------------------------------------
const lock = suite("planAdmin: check-ha.sh reads the release's leader lock");

/** kcmRow: kube-controller-manager's row of check-ha.sh's COMPONENTS table (its only row): unit, lock and timing. */
function kcmRow(c: Cluster): { unit: string; lock: string; lease: number; retry: number; timeout: number } {
  const text = textOf(c, "check-ha.sh");
  const m = /^readonly COMPONENTS=\(\n  'kube-controller-manager' '([^']+)' '([^']+)' '(\d+)' '(\d+)' '(\d+)'\n\)$/m.exec(text);
  assert.ok(m, "one kube-controller-manager row in check-ha.sh's COMPONENTS");
  return { unit: m![1]!, lock: m![2]!, lease: Number(m![3]), retry: Number(m![4]), timeout: Number(m![5]) };
}

const LEASE = "Lease kube-system/kube-controller-manager";
const ENDPOINTS = "Endpoints kube-system/kube-controller-manager, annotation control-plane.alpha.kubernetes.io/leader";

/** helpOf: what the rendered check-ha.sh prints for --help (it names the lock it reads and the default timeout). */
function helpOf(c: Cluster): string | null {
  if (!needTool("bash", "check-ha.sh --help")) return null;
  const t = tmp("kubebundle-check-ha-");
  try {
    const script = path.join(t.dir, "check-ha.sh");
    writeFileSync(script, textOf(c, "check-ha.sh"), { mode: 0o755 });
    const r = spawnSync("bash", [script, "--help"], { encoding: "utf8" });
    assert.is(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    t.cleanup();
  }
}

const RELEASES: [string, string, "endpoints" | "lease"][] = [
  ["valid-guide-1.16.json", "1.16.6", "endpoints"],
  ["spec/valid-release-1.17.json", "1.17.0", "lease"],
  ["spec/valid-minimal.json", "1.36.0", "lease"],
];

for (const [fixture, version, want] of RELEASES) {
  lock(`should read the ${want === "lease" ? "Lease" : "Endpoints annotation"} for ${version}`, () => {
    const c = loadFixture(fixture);
    assert.is(c.version.text, version);
    assert.equal([kcmRow(c).unit, kcmRow(c).lock], ["kube-controller-manager.service", want]);
    const help = helpOf(c);
    if (help === null) return;
    const printed = help.replace(/\s+/g, " ");
    assert.ok(printed.includes(want === "lease" ? LEASE : ENDPOINTS), printed);
    if (want === "lease") assert.not.ok(printed.includes("Endpoints kube-system"), "no Endpoints text for a Lease release");
  });
}

lock("should switch at 1.17 for any 1.16 patch release", () => {
  const c = clusterWith("spec/valid-minimal.json", (s) => (s.kubernetesVersion = "1.16.0"));
  assert.is(kcmRow(c).lock, "endpoints");
});

const LOCKS: [string, string, string, "endpoints" | "lease"][] = [
  ["1.16.6", "leases", "a Lease asked for on a release whose default is Endpoints", "lease"],
  ["1.17.0", "endpointsleases", "a hybrid lock (the Lease is read, as the flag reference says for 1.17-1.19)", "lease"],
  ["1.20.0", "endpoints", "Endpoints asked for on a release whose default is a Lease", "endpoints"],
  ["1.20.0", "configmaps", "a ConfigMap lock (warned about; the release's default is read)", "lease"],
];

for (const [version, given, what, want] of LOCKS) {
  lock(`should read the lock --leader-elect-resource-lock names: ${what}`, () => {
    const c = clusterWith("spec/valid-minimal.json", (s) => {
      s.kubernetesVersion = version;
      s.controllerManager = { ...s.controllerManager, extraArgs: { "leader-elect-resource-lock": given } };
    });
    assert.is(kcmRow(c).lock, want, `${version} ${given}`);
  });
}

lock.run();

// ---------------------------------------------------------------------------------------------
const timing = suite("planAdmin: check-ha.sh uses the effective leader-election timing");

/** timingOf: the lease duration, retry period and default --failover timeout check-ha.sh holds for kube-controller-manager. */
function timingOf(c: Cluster): { lease: number; retry: number; timeout: number } {
  const { lease, retry, timeout } = kcmRow(c);
  return { lease, retry, timeout };
}

const withArgs = (extraArgs: Record<string, string | null>) => clusterWith("spec/valid-minimal.json", (s) => (s.controllerManager = { extraArgs }));

timing("should use kube-controller-manager's 15s and 2s without overrides", () => {
  assert.equal(timingOf(withArgs({})), { lease: 15, retry: 2, timeout: 15 + 2 * 2 + 5 });
});

timing("should use the lease duration and retry period given in extraArgs", () => {
  const c = withArgs({ "leader-elect-lease-duration": "1m30s", "leader-elect-renew-deadline": "1m", "leader-elect-retry-period": "5s" });
  assert.equal(timingOf(c), { lease: 90, retry: 5, timeout: 90 + 2 * 5 + 5 });
  const help = helpOf(c);
  if (help !== null) assert.match(help.replace(/\s+/g, " "), "(default 105: lease duration 90s + 2 x retry period 5s + margin)");
});

timing("should read each Go duration form and round sub-second values up", () => {
  assert.equal(timingOf(withArgs({ "leader-elect-lease-duration": "1m", "leader-elect-renew-deadline": "45s" })), { lease: 60, retry: 2, timeout: 69 });
  assert.equal(timingOf(withArgs({ "leader-elect-retry-period": "1500ms" })), { lease: 15, retry: 2, timeout: 24 });
  assert.equal(timingOf(withArgs({ "leader-elect-lease-duration": "20.5s" })), { lease: 21, retry: 2, timeout: 30 });
});

timing("should use the defaults when extraArgs removes the flags", () => {
  assert.equal(timingOf(withArgs({ "leader-elect-lease-duration": null, "leader-elect-retry-period": null })), { lease: 15, retry: 2, timeout: 24 });
});

timing.run();

// ---------------------------------------------------------------------------------------------
const rbac = suite("planAdmin: admin/apiserver-rbac.yaml");

/** withApiserver: the fixture generating every component (kube-apiserver among them), changed by `change`. */
const withApiserver = (change: (s: any) => void = () => {}) =>
  clusterWith("spec/valid-minimal.json", (s) => {
    delete s.components;
    change(s);
  });
const RBAC = "admin/apiserver-rbac.yaml";
const HEALTH_URLS = ["/healthz", "/healthz/*", "/livez", "/livez/*", "/readyz", "/readyz/*"];

rbac("should be written, 0644, when kube-apiserver is generated, and not without it", () => {
  assert.is(fileOf(withApiserver(), RBAC).mode, 0o644);
  assert.not.ok(plan(loadFixture("spec/valid-minimal.json")).some((f) => f.path === RBAC), "kube-controller-manager alone: no RBAC manifest");
  assert.not.ok(plan(withApiserver((s) => (s.components = ["etcd"]))).some((f) => f.path === RBAC), "etcd alone: none");
});

rbac("should say in its header to apply it once with the admin kubeconfig, and hold no secret", () => {
  const text = textOf(withApiserver(), RBAC);
  const header = text.split("\n").filter((l) => l.startsWith("#"));
  assert.ok(header.length >= 3 && text.startsWith("# "), text);
  assert.ok(header.includes("#   kubectl --kubeconfig admin/admin.kubeconfig apply -f admin/apiserver-rbac.yaml"), header.join("\n"));
  assert.match(header.join("\n"), /apply it once/i);
  assert.not.match(text, /PRIVATE KEY|BEGIN CERTIFICATE/);
  // The kubeconfig and the file it names are the ones planAdmin writes, relative to out/ (where check-ha.sh runs).
  const paths = plan(withApiserver()).map((f) => f.path);
  assert.ok(paths.includes("admin/admin.kubeconfig") && paths.includes(RBAC));
});

type Obj = { apiVersion: string; kind: string; metadata: { name: string; labels: Record<string, string> }; roleRef?: { apiGroup: string; kind: string; name: string }; subjects?: { apiGroup: string; kind: string; name: string }[]; rules?: { nonResourceURLs: string[]; verbs: string[] }[] };

/** docsOf: the manifest's YAML documents, parsed (a YAML error fails the test). */
function docsOf(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.equal(d.errors, [], String(d.errors));
  return docs.map((d) => d.toJS() as Obj);
}

rbac("should bind the kubelet client to system:kubelet-api-admin and let the health-check user get the health paths only", () => {
  const docs = docsOf(textOf(withApiserver(), RBAC));
  assert.equal(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`), [
    "rbac.authorization.k8s.io/v1 ClusterRoleBinding kubebundle:apiserver-kubelet-client",
    "rbac.authorization.k8s.io/v1 ClusterRole kubebundle:apiserver-healthcheck",
    "rbac.authorization.k8s.io/v1 ClusterRoleBinding kubebundle:apiserver-healthcheck",
  ]);
  const [kubelet, role, binding] = docs as [Obj, Obj, Obj];
  assert.equal(kubelet.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:kubelet-api-admin" });
  assert.equal(kubelet.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kube-apiserver-kubelet-client" }]);
  assert.equal(role.rules, [{ nonResourceURLs: HEALTH_URLS, verbs: ["get"] }]);
  assert.equal(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kubebundle:apiserver-healthcheck" });
  assert.equal(binding.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kube-apiserver-healthcheck" }]);
  for (const d of docs) assert.equal(d.metadata.labels, { "app.kubernetes.io/managed-by": "kubebundle" });
});

rbac("should match the subjects of the certificates the pki stage issues for those users", () => {
  // The users bound are the CNs of kube-apiserver's kubelet client and health-check client rows, for every release.
  for (const version of ["1.16.6", "1.28.0", "1.29.0", "1.36.0"]) {
    const c = withApiserver((s) => (s.kubernetesVersion = version));
    const docs = docsOf(textOf(c, RBAC));
    const cn = (id: string) => rowById(id).subject(c).find(([a]) => a === "CN")?.[1];
    assert.equal(docs.flatMap((d) => d.subjects ?? []).map((s) => s.name), [cn("apiserver-kubelet-client"), cn("kube-apiserver-healthcheck-client")], version);
  }
});

rbac("should be read by kubectl as the same objects kubectl itself builds for them, offline", () => {
  if (!needTool("kubectl", "reading the RBAC manifest with kubectl")) return;
  const t = tmp("kubebundle-rbac-");
  try {
    const file = path.join(t.dir, "apiserver-rbac.yaml");
    writeFileSync(file, textOf(withApiserver(), RBAC));
    const env = { PATH: process.env.PATH, HOME: t.dir, KUBECONFIG: path.join(t.dir, "none") };
    const kubectl = (args: string[]) => {
      const r = spawnSync("kubectl", args, { encoding: "utf8", env, timeout: 30_000 });
      assert.is(r.status, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    };
    // kubectl decodes every document of the file (label --local needs no server), in order.
    assert.is(
      kubectl(["label", "--local", "-f", file, "kubebundle-check=1", "-o", "name"]),
      "clusterrolebinding.rbac.authorization.k8s.io/kubebundle:apiserver-kubelet-client\nclusterrole.rbac.authorization.k8s.io/kubebundle:apiserver-healthcheck\nclusterrolebinding.rbac.authorization.k8s.io/kubebundle:apiserver-healthcheck\n",
    );
    // kubectl's reading of them: one indented JSON object after the other, each closed by a "}" alone on a line.
    const ours = kubectl(["label", "--local", "-f", file, "kubebundle-check=1", "-o", "json"]).split(/(?<=^\})\n(?=\{)/m).map((j) => JSON.parse(j) as Obj);
    assert.is(ours.length, 3);
    // kubectl's own imperative builders (client dry run, no server) for the same role and bindings.
    const built = [
      ["create", "clusterrolebinding", "kubebundle:apiserver-kubelet-client", "--clusterrole=system:kubelet-api-admin", "--user=kube-apiserver-kubelet-client"],
      ["create", "clusterrole", "kubebundle:apiserver-healthcheck", `--non-resource-url=${HEALTH_URLS.join(",")}`, "--verb=get"],
      ["create", "clusterrolebinding", "kubebundle:apiserver-healthcheck", "--clusterrole=kubebundle:apiserver-healthcheck", "--user=kube-apiserver-healthcheck"],
    ].map((args) => JSON.parse(kubectl([...args, "--dry-run=client", "-o", "json"])) as Obj);
    const essence = (o: Obj) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, roleRef: o.roleRef, subjects: o.subjects, rules: o.rules });
    assert.equal(ours.map(essence), built.map(essence));
  } finally {
    t.cleanup();
  }
});

rbac.run();

// ---------------------------------------------------------------------------------------------
const ready = suite("planAdmin: check-ha.sh asks every kube-apiserver for /readyz");

/** apiVars: the API_* values check-ha.sh holds, or null when it has no readiness block. */
function apiVars(c: Cluster): Record<string, string> | null {
  const text = textOf(c, "check-ha.sh");
  if (!/^readonly API_ID=/m.test(text)) return null;
  const out: Record<string, string> = {};
  for (const line of text.split("\n").filter((l) => l.startsWith("readonly API_"))) {
    for (const m of line.matchAll(/(API_[A-Z_]+)='([^']*)'/g)) out[m[1]!] = m[2]!;
  }
  return out;
}

ready("should ask every node on apiServer.port with the admin files planAdmin writes, and no endpoint unless the spec sets one", () => {
  const c = withApiserver((s) => (s.apiServer = { port: 7443 }));
  const v = apiVars(c)!;
  assert.equal(v, { API_ID: "kube-apiserver", API_PATH: "/readyz", API_PORT: "7443", API_ENDPOINT: "", API_ENDPOINT_HOST: "", API_ENDPOINT_PORT: "", API_CA: "admin/ca.pem", API_CERT: "admin/admin.pem", API_KEY: "admin/admin-key.pem" });
  const files = new Map(plan(c).map((f) => [f.path, f]));
  assert.is(files.get(v.API_CA!)!.content.toString(), PEMS.ca.cert, "the CA check-ha.sh trusts is admin/ca.pem");
  assert.is(files.get(v.API_CERT!)!.content.toString(), PEMS.admin.cert);
  assert.is(files.get(v.API_KEY!)!.content.toString(), PEMS.admin.key);
  assert.match(textOf(c, "check-ha.sh"), `readonly NODES=(\n  'cp-1' '10.0.0.1'\n  'cp-2' '10.0.0.2'\n)\n`);
});

ready("should ask apiServer.endpoint too, its host and port apart, and the port the unit serves on (apiServer.port)", () => {
  const lb = apiVars(withApiserver((s) => (s.apiServer = { endpoint: "https://10.0.0.100:8443" })))!;
  assert.equal([lb.API_ENDPOINT, lb.API_ENDPOINT_HOST, lb.API_ENDPOINT_PORT, lb.API_PORT], ["https://10.0.0.100:8443", "10.0.0.100", "8443", "6443"]);
  const v6 = apiVars(clusterWith("spec/valid-ipv6.json", (s) => {
    delete s.components;
    s.apiServer = { endpoint: "https://[fd00::100]:8443" };
  }))!;
  assert.equal([v6.API_ENDPOINT, v6.API_ENDPOINT_HOST, v6.API_ENDPOINT_PORT], ["https://[fd00::100]:8443", "fd00::100", "8443"]);
  // apiServer.port: where the unit listens (an extraArgs --secure-port may only repeat it: the spec rules refuse another).
  const moved = apiVars(withApiserver((s) => (s.apiServer = { port: 7443, extraArgs: { "secure-port": "7443" } })))!;
  assert.is(moved.API_PORT, "7443");
});

ready("should have no readiness block without kube-apiserver", () => {
  assert.is(apiVars(loadFixture("spec/valid-minimal.json")), null);
  assert.is(apiVars(withApiserver((s) => (s.components = ["etcd", "kube-scheduler"]))), null);
});

ready.run();
