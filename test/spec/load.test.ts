import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { checkSpec, loadSpec } from "../../src/spec/load.js";
import { InputError, formatProblem } from "../../src/errors.js";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { golden } from "../helpers/golden.js";
import { KCM_FLAGS } from "../../src/components/kube-controller-manager/flags.js";
import { needTool, ROOT, tmp, nobodyCanRead } from "../helpers/tools.js";

const FIX = path.join(ROOT, "test/fixtures/spec");
const fixture = (name: string) => path.join(FIX, name);

function problemsOf(name: string) {
  const file = fixture(name);
  return checkSpec(readFileSync(file, "utf8"), file).problems;
}

const valid = suite("loadSpec: valid specs");

valid("should accept cluster.example.json and resolve every default", () => {
  const { cluster, warnings } = loadSpec(path.join(ROOT, "cluster.example.json"));
  assert.equal(warnings, []);
  assert.is(cluster.spec.clusterName, "kubernetes");
  assert.equal(cluster.version, { text: "1.36.0", major: 1, minor: 36, patch: 0 });
  assert.equal(cluster.key, { algo: "rsa", size: 2048 });
  assert.is(cluster.expiry.ms, 876000 * 3600 * 1000);
  assert.is(cluster.nodes.length, 3);
  assert.equal(cluster.caImports, {});
  assert.match(cluster.sha256, /^[0-9a-f]{64}$/);
});

valid("should fill the contract's defaults into a minimal spec", () => {
  const { cluster } = loadSpec(fixture("valid-minimal.json"));
  const s = cluster.spec;
  assert.is(s.clusterName, "kubernetes");
  assert.is(s.kubernetesVersion, "1.36.0");
  assert.equal(s.apiServer, { port: 6443, endpoint: null, extraSANs: [], serviceNodePortRange: "30000-32767", encryption: { provider: "aescbc" }, audit: true, extraArgs: {} });
  assert.is(s.clusterDomain, "cluster.local");
  assert.equal(s.paths, { binDir: "/opt/k8s/bin", certDir: "/etc/kubernetes/cert", configDir: "/etc/kubernetes", dataDir: "/data/k8s/k8s" });
  assert.is(s.pki.caCSR.CN, "kubernetes-ca");
  assert.equal(s.pki.names, [{ C: "CN", ST: "BeiJing", L: "BeiJing", OU: "opsnull" }]);
  assert.is(s.pki.caExpiry, "876000h");
  assert.equal(s.controllerManager, { securePort: 10252, extraArgs: {} });
});

valid("should default the key size by algorithm", () => {
  assert.equal(loadSpec(fixture("valid-ecdsa.json")).cluster.key, { algo: "ecdsa", size: 256 });
  assert.equal(loadSpec(fixture("valid-minimal.json")).cluster.key, { algo: "rsa", size: 2048 });
});

valid("should accept IPv6 nodes and service CIDR", () => {
  const { cluster } = loadSpec(fixture("valid-ipv6.json"));
  assert.equal(cluster.nodes.map((n) => [n.ip, n.family]), [["2001:db8::1", "ipv6"], ["2001:db8::2", "ipv6"]]);
});

valid("should warn, not fail, with a single node", () => {
  const { warnings } = loadSpec(fixture("valid-single-node.json"));
  assert.is(warnings.length, 1);
  assert.is(warnings[0]!.severity, "warning");
  assert.is(warnings[0]!.pointer, "/nodes");
  assert.match(warnings[0]!.message, /high availability/);
});

valid.run();

// One row per rule: fixture, the pointer it must name, the gist of the message (and the hint, if any).
const CASES: [string, string, RegExp, string?][] = [
  ["invalid-syntax.json", "", /JSON syntax error: expected a value/],
  ["invalid-empty.json", "", /JSON syntax error/],
  ["invalid-not-object.json", "", /must be object/],
  ["invalid-deep-nesting.json", "", /nested deeper than 64 levels/],
  ["invalid-unknown-field.json", "/clusterNme", /unknown field "clusterNme"/, "clusterName"],
  ["invalid-missing-nodes.json", "/nodes", /is required/],
  ["invalid-missing-service-cidr.json", "/serviceCIDR", /is required/],
  ["invalid-no-nodes.json", "/nodes", /at least 1 item/],
  ["invalid-duplicate-name.json", "/nodes/1/name", /duplicate node name "cp-1"/],
  ["invalid-duplicate-ip.json", "/nodes/1/ip", /duplicate node IP 10.0.0.1/],
  ["invalid-duplicate-ipv6.json", "/nodes/1/ip", /duplicate node IP/],
  ["invalid-node-name.json", "/nodes/0/name", /not a DNS-1123 label/, "cp-1"],
  ["invalid-node-name-injection.json", "/nodes/0/name", /not a DNS-1123 label/],
  ["invalid-node-ip.json", "/nodes/0/ip", /not a valid IPv4 or IPv6 address/],
  ["invalid-node-ip-loopback.json", "/nodes/0/ip", /loopback/],
  ["invalid-cidr.json", "/serviceCIDR", /not a valid CIDR/],
  ["invalid-cidr-host-bits.json", "/serviceCIDR", /host bits/, "10.254.0.0/16"],
  ["invalid-node-in-service-cidr.json", "/nodes/1/ip", /inside serviceCIDR/],
  ["invalid-endpoint-http.json", "/apiServer/endpoint", /must be an https URL/, "https://10.0.0.100:8443"],
  ["invalid-endpoint-no-host.json", "/apiServer/endpoint", /not a URL|must name a host/],
  ["invalid-endpoint-path.json", "/apiServer/endpoint", /no path/, "https://10.0.0.100:8443"],
  ["invalid-version-range.json", "/kubernetesVersion", /1\.15 is not supported: kubebundle supports 1\.16 through 1\.37/],
  ["invalid-version-newer.json", "/kubernetesVersion", /1\.38 is not supported/],
  ["invalid-version-format.json", "/kubernetesVersion", /not a release version.*1\.16 through 1\.37/],
  ["invalid-key-size.json", "/pki/key/size", /must be one of 2048, 3072, 4096/],
  ["invalid-key-algo-size.json", "/pki/key/size", /ecdsa keys must be 256, 384 bits/, "256"],
  ["invalid-key-algo.json", "/pki/key/algo", /must be one of "rsa", "ecdsa"/],
  ["invalid-expiry.json", "/pki/expiry", /not a Go duration in hours/, "8760h"],
  ["invalid-ca-expiry-shorter.json", "/pki/caExpiry", /shorter than certificate validity/],
  ["invalid-path-relative.json", "/paths/binDir", /must be absolute/, "/opt/k8s/bin"],
  ["invalid-path-dotdot.json", "/paths/certDir", /must not contain "\.\."/],
  ["invalid-path-shell.json", "/paths/dataDir", /no spaces or shell characters/],
  ["invalid-path-space.json", "/paths/configDir", /no spaces or shell characters/],
  ["invalid-path-unnormalised.json", "/paths/configDir", /not normalised/, "/etc/kubernetes"],
  ["invalid-path-nested-file.json", "/paths/dataDir", /inside the file \/srv\/k\/ca\.pem/],
  ["invalid-path-inside-unit.json", "/paths/configDir", /inside the file \/etc\/systemd\/system\/kube-controller-manager\.service/],
  ["invalid-extra-arg-name.json", "/controllerManager/extraArgs/--v", /without the leading "--"/],
  ["invalid-extra-arg-newline.json", "/controllerManager/extraArgs/v", /must not contain newlines/],
  ["invalid-extra-arg-nul.json", "/controllerManager/extraArgs/v", /NULs/],
  ["invalid-extra-arg-type.json", "/controllerManager/extraArgs/v", /must be string or null/],
  ["invalid-extra-arg-injection-dollar.json", "/controllerManager/extraArgs/cluster-name", /may hold only ASCII letters, digits and \. _ , : = \/ \* @ \+ % ~ \[ \] -.*; "\$" is not allowed/],
  ["invalid-extra-arg-injection-backtick.json", "/controllerManager/extraArgs/cluster-name", /may hold only .*; "`" is not allowed/],
  ["invalid-extra-arg-injection-semicolon.json", "/controllerManager/extraArgs/v", /may hold only .*; ";" is not allowed/],
  ["invalid-extra-arg-injection-quote.json", "/controllerManager/extraArgs/cluster-name", /may hold only .*; "\\"" is not allowed/],
  ["invalid-extra-arg-secure-port-text.json", "/controllerManager/extraArgs/secure-port", /"https" is not a port number 1-65535/],
  ["invalid-extra-arg-secure-port-range.json", "/controllerManager/extraArgs/secure-port", /"70000" is not a port number 1-65535/],
  ["invalid-extra-arg-port-clash.json", "/controllerManager/extraArgs/secure-port", /--secure-port=6443 must differ from apiServer.port \(6443\)/, "10257"],
  ["invalid-extra-arg-bind-address.json", "/controllerManager/extraArgs/bind-address", /"localhost" is not an IP address/],
  ["invalid-extra-arg-lease-duration.json", "/controllerManager/extraArgs/leader-elect-lease-duration", /"15" is not a Go duration like 15s, 1m or 1m30s/, "15s"],
  ["invalid-extra-arg-retry-period.json", "/controllerManager/extraArgs/leader-elect-retry-period", /"2seconds" is not a Go duration/],
  ["invalid-extra-arg-bool.json", "/controllerManager/extraArgs/leader-elect", /^"yes" is not a boolean: --leader-elect takes true or false/],
  ["invalid-extra-arg-resource-lock-unknown.json", "/controllerManager/extraArgs/leader-elect-resource-lock", /^"leasez" is not a resource lock kube-controller-manager knows \(leases\)$/, "leases"],
  ["invalid-extra-arg-lease-order.json", "/controllerManager/extraArgs/leader-elect-lease-duration", /--leader-elect-lease-duration=8s must be longer than the renew deadline \(--leader-elect-renew-deadline=10s\)/],
  ["invalid-port-clash.json", "/controllerManager/securePort", /must differ from apiServer.port/],
  ["invalid-port-range.json", "/apiServer/port", /<= 65535/],
  ["invalid-country.json", "/pki/names/0/C", /two-letter country code/, "CN"],
  ["invalid-cluster-name.json", "/clusterName", /DNS-1123 subdomain/, "my-cluster"],
  ["invalid-ca-file-missing.json", "/pki/ca/certFile", /no-such-ca\.pem: no such file/],
  ["invalid-ca-file-folder.json", "/pki/ca/certFile", /fixtures\/pki is a folder, not a file/],
  ["invalid-node-ip-unspecified.json", "/nodes/0/ip", /^0\.0\.0\.0 is an unspecified address; give the node's own routable IP$/],
  ["invalid-expiry-zero.json", "/pki/expiry", /^"0h" must be longer than zero$/],
  ["invalid-expiry-huge.json", "/pki/expiry", /"99999999999999999999h"/],
  ["invalid-path-bin-is-kubeconfig.json", "/paths/binDir", /etcd binary \/etc\/kubernetes\/kube-controller-manager\.kubeconfig\/etcd inside the file \/etc\/kubernetes\/kube-controller-manager\.kubeconfig/],
  ["invalid-path-inside-binary.json", "/paths/binDir", /binary \/opt\/k8s\/bin\/kube-controller-manager a folder holding \/opt\/k8s\/bin\/kube-controller-manager\/[a-z-]+\.(kubeconfig|yaml)/],
  ["invalid-path-bin-is-workdir.json", "/paths/binDir", /binary \/data\/k8s\/k8s\/kube-controller-manager .*working folder/],
  ["invalid-extra-arg-resource-lock.json", "/controllerManager/extraArgs/leader-elect-resource-lock", /--leader-elect-resource-lock=endpoints is refused from Kubernetes 1\.24 \(target 1\.24\).*use leases/, "leases"],
  ["invalid-extra-arg-resource-lock-hybrid.json", "/controllerManager/extraArgs/leader-elect-resource-lock", /--leader-elect-resource-lock=endpointsleases is refused from Kubernetes 1\.27 \(target 1\.27\).*use leases/, "leases"],
  ["invalid-extra-arg-insecure-port.json", "/controllerManager/extraArgs/port", /target 1\.21.*10252.*--port=0/, "0"],
];

const rules = suite("loadSpec: one failing fixture per rule");

for (const [name, pointer, gist, hint] of CASES) {
  rules(`should reject ${name} at ${pointer || "/"}`, () => {
    const errors = problemsOf(name).filter((p) => p.severity === "error");
    const hit = errors.find((p) => p.pointer === pointer && gist.test(p.message));
    assert.ok(hit, `expected ${pointer} ~ ${gist}, got:\n${errors.map(formatProblem).join("\n")}`);
    if (hint !== undefined) assert.is(hit!.hint, hint);
    assert.ok(hit!.line !== undefined && hit!.col !== undefined, "problem carries line:col");
    let thrown: unknown;
    try {
      loadSpec(fixture(name));
    } catch (e) {
      thrown = e;
    }
    assert.instance(thrown, InputError);
  });
}

rules("should report every problem of a spec at once, in file order", () => {
  const text = problemsOf("invalid-many.json").map(formatProblem).join("\n").replaceAll(FIX + path.sep, "");
  golden("test/golden/spec/invalid-many.txt", `${text}\n`);
});

rules("should name a key given twice", () => {
  const problems = checkSpec('{"serviceCIDR":"10.254.0.0/16","serviceCIDR":"10.0.0.0/8","nodes":[{"name":"a","ip":"10.1.0.1"}]}', "x.json").problems;
  assert.ok(problems.some((p) => p.pointer === "/serviceCIDR" && /given twice/.test(p.message)));
});

const more = suite("loadSpec: messages, hints and warnings");

/** withSpec: checkSpec's problems for valid-minimal.json with `patch` merged in (one level deep). */
function withSpec(patch: Record<string, unknown>) {
  const base = JSON.parse(readFileSync(fixture("valid-minimal.json"), "utf8")) as Record<string, unknown>;
  return checkSpec(JSON.stringify({ ...base, ...patch }), fixture("inline.json")).problems;
}
const brief = (ps: { pointer: string; severity: string; message: string }[]) => ps.map((p) => `${p.severity} ${p.pointer}: ${p.message}`);

more("should name each reserved node address with the right article and wording", () => {
  const cases: [string, string][] = [
    ["0.0.0.0", "an unspecified"],
    ["::", "an unspecified"],
    ["127.0.0.1", "a loopback"],
    ["224.0.0.1", "a multicast"],
    ["255.255.255.255", "a broadcast"],
    ["169.254.0.1", "a link-local"],
    ["fe80::1", "a link-local"],
  ];
  for (const [ip, what] of cases) {
    const p = withSpec({ nodes: [{ name: "cp-1", ip }, { name: "cp-2", ip: ip.includes(":") ? "2001:db8::2" : "10.0.0.2" }] })
      .find((x) => x.pointer === "/nodes/0/ip");
    assert.is(p?.message, `${ip} is ${what} address; give the node's own routable IP`, ip);
  }
});

more("should call a zero duration too short, not malformed, and offer no hint for it", () => {
  for (const text of ["0h", "0s", "0h0m0s"]) {
    const p = withSpec({ pki: { expiry: text } }).find((x) => x.pointer === "/pki/expiry");
    assert.is(p?.message, `"${text}" must be longer than zero`);
    assert.is(p?.hint, undefined);
  }
});

more("should only hint durations that the loader itself accepts", () => {
  const hintOf = (expiry: string) => withSpec({ pki: { expiry } }).find((x) => x.pointer === "/pki/expiry");
  assert.is(hintOf("1y")?.hint, "8760h");
  assert.is(hintOf("365d")?.hint, "8760h");
  assert.is(hintOf("2w")?.hint, "336h");
  for (const text of ["99999999999999999999h", "99999999999999999999d", "2000y", "10000000h", "0y", "0d"]) {
    const p = hintOf(text);
    assert.ok(p && p.severity === "error", text);
    assert.is(p!.hint, undefined, `${text}: hint ${p!.hint}`);
  }
  assert.match(hintOf("99999999999999999999h")!.message, /longer than kubebundle accepts \(at most 2562047h, Go's longest duration\)/);
  assert.equal(withSpec({ pki: { expiry: "2562047h", caExpiry: "2562047h" } }), []);
  assert.match(hintOf("2562048h")!.message, /at most 2562047h/, "one hour past Go's int64 nanoseconds: cfssl and kube-controller-manager refuse it");
});

more("should say a CA path through an unreadable folder cannot be read, not that it is missing", () => {
  const t = tmp();
  try {
    const locked = path.join(t.dir, "locked");
    mkdirSync(locked);
    writeFileSync(path.join(locked, "ca.pem"), "x");
    writeFileSync(path.join(locked, "ca-key.pem"), "x");
    const spec = JSON.parse(readFileSync(fixture("valid-minimal.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(t.dir, "cluster.json"), JSON.stringify({ ...spec, pki: { ca: { certFile: "locked/ca.pem", keyFile: "locked/ca-key.pem" } } }));
    chmodSync(t.dir, 0o755);
    chmodSync(locked, 0o700);
    const problems = problemsAsOther(path.join(t.dir, "cluster.json"), () => chmodSync(locked, 0o000));
    if (problems === null) return;
    const messages = problems.filter((p) => p.pointer.startsWith("/pki/ca/")).map((p) => `${p.pointer}: ${p.message}`);
    assert.equal(messages, [
      `/pki/ca/certFile: ${locked}/ca.pem cannot be read (EACCES)`,
      `/pki/ca/keyFile: ${locked}/ca-key.pem cannot be read (EACCES)`,
    ]);
  } finally {
    chmodSync(path.join(t.dir, "locked"), 0o700);
    t.cleanup();
  }
});

/** problemsAsOther: checkSpec's problems for `file` as a user without root's powers (root reads any folder); null when that cannot be arranged. */
function problemsAsOther(file: string, lock: () => void): { pointer: string; message: string }[] | null {
  if (process.getuid?.() !== 0) {
    lock();
    return checkSpec(readFileSync(file, "utf8"), file).problems;
  }
  if (!needTool("setpriv", "reading a spec as an unprivileged user")) return null;
  if (!nobodyCanRead(path.join(ROOT, "node_modules/tsx/package.json"))) {
    console.log("\n  !!! skipped: the unprivileged user cannot read this checkout (it sits in a private folder)\n");
    return null;
  }
  const load = pathToFileURL(path.join(ROOT, "src/spec/load.ts")).href;
  const script = `import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url"; const { checkSpec } = await import(${JSON.stringify(load)});
    const f = ${JSON.stringify(file)}; process.stdout.write(JSON.stringify(checkSpec(readFileSync(f, "utf8"), f).problems));`;
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { pointer: string; message: string }[];
}

more("should refuse an insecure port left on 10252 only where it still listens and would meet the secure port", () => {
  const at = (version: string, extraArgs: Record<string, unknown>, securePort?: number) =>
    brief(withSpec({ kubernetesVersion: version, controllerManager: { ...(securePort ? { securePort } : {}), extraArgs } }).filter((p) => p.pointer === "/controllerManager/extraArgs/port"));
  assert.is(at("1.21.0", { port: null }).length, 1);
  assert.is(at("1.16.0", { port: null }).length, 1);
  assert.match(at("1.16.0", { port: "10252" })[0] ?? "", /^error .*10252/);
  assert.match(at("1.21.0", { port: null, "secure-port": "10252" }, 10257)[0] ?? "", /^error /);
  assert.equal(at("1.21.0", { port: null }, 10257), []);
  assert.equal(at("1.21.0", { port: null, "secure-port": null }), []);
  assert.equal(at("1.21.0", { port: "0" }), []);
  assert.equal(at("1.21.0", {}), []);
  assert.equal(at("1.22.0", { port: null }), []);
});

more("should warn that leader election is off, or moved where check-ha.sh does not look", () => {
  const { warnings } = loadSpec(fixture("valid-leader-election-warnings.json"));
  assert.equal(warnings.map((w) => [w.severity, w.pointer]), [
    ["warning", "/controllerManager/extraArgs/leader-elect"],
    ["warning", "/controllerManager/extraArgs/leader-elect-resource-name"],
    ["warning", "/controllerManager/extraArgs/leader-elect-resource-namespace"],
  ]);
  assert.match(warnings[0]!.message, /no high availability.*check-ha\.sh will find no leader/);
  assert.match(warnings[1]!.message, /check-ha\.sh reads kube-system\/kube-controller-manager/);
  assert.match(warnings[2]!.message, /check-ha\.sh reads kube-system\/kube-controller-manager/);
  const quiet = (extraArgs: Record<string, unknown>) => withSpec({ controllerManager: { extraArgs } });
  assert.equal(quiet({ "leader-elect": "true", "leader-elect-resource-name": "kube-controller-manager", "leader-elect-resource-namespace": "kube-system" }), []);
  assert.equal(quiet({ "leader-elect": null, "leader-elect-resource-name": null }), []);
  for (const off of ["0", "f", "F", "FALSE", "False"]) assert.is(quiet({ "leader-elect": off }).length, 1, off);
});

more("a ConfigMap leader lock is a warning: check-ha.sh reads Leases and Endpoints only", () => {
  const problems = (lock: string) => withSpec({ kubernetesVersion: "1.20.0", controllerManager: { extraArgs: { "leader-elect-resource-lock": lock } } });
  const warned = problems("configmaps");
  assert.equal(warned.map((p) => [p.severity, p.pointer]), [["warning", "/controllerManager/extraArgs/leader-elect-resource-lock"]]);
  assert.match(warned[0]!.message, /keeps the leader in a ConfigMap, but check-ha\.sh reads a Lease or an Endpoints annotation/);
  for (const lock of ["leases", "endpoints", "endpointsleases", "configmapsleases"]) assert.equal(problems(lock), [], lock);
});

more("an unknown lock type names the lock types of the target release", () => {
  const known = (version: string) => withSpec({ kubernetesVersion: version, controllerManager: { extraArgs: { "leader-elect-resource-lock": "lease" } } })[0]!.message;
  assert.match(known("1.16.0"), /knows \(leases, endpoints, configmaps\)$/);
  assert.match(known("1.20.0"), /knows \(leases, endpoints, endpointsleases, configmaps, configmapsleases\)$/);
  assert.match(known("1.24.0"), /knows \(leases, endpointsleases, configmapsleases\)$/);
  assert.match(known("1.27.0"), /knows \(leases\)$/);
});

more("boolean flags take what Go's strconv.ParseBool reads, and nothing else, in every release they exist in", () => {
  const bools = KCM_FLAGS.filter((r) => r.bool);
  assert.equal(bools.filter((r) => !r.removedIn).map((r) => r.flag).sort(), ["leader-elect", "profiling", "use-service-account-credentials"]);
  assert.equal(bools.filter((r) => r.removedIn).map((r) => r.flag).sort(), ["add-dir-header", "alsologtostderr", "logtostderr", "one-output", "skip-headers", "skip-log-headers"]);
  for (const { flag, removedIn } of bools) {
    // A klog flag is checked in 1.20, where every one of them exists (one-output from 1.20), before their removal (1.26).
    const problems = (extraArgs: Record<string, unknown>) => withSpec({ ...(removedIn ? { kubernetesVersion: "1.20.0" } : {}), controllerManager: { extraArgs } });
    for (const v of ["1", "t", "T", "true", "TRUE", "True", "0", "f", "F", "false", "FALSE", "False"]) {
      assert.equal(problems({ [flag]: v }).filter((p) => p.severity === "error"), [], `${flag}=${v}`);
    }
    for (const v of ["", "yes", "on", "enabled", "tru"]) {
      const errors = problems({ [flag]: v }).filter((p) => p.severity === "error");
      assert.equal(errors.map((p) => p.pointer), [`/controllerManager/extraArgs/${flag}`], `${flag}=${v}`);
      assert.match(errors[0]!.message, /is not a boolean/);
    }
  }
  assert.equal(withSpec({ controllerManager: { extraArgs: { "cluster-name": "yes" } } }), [], "a flag that is not boolean takes any safe value");
});

more("should refuse a release version with a leading zero in any part", () => {
  for (const v of ["1.30.04", "01.36", "1.036", "1.30.00", "v01.30.0"]) {
    const p = withSpec({ kubernetesVersion: v }).filter((x) => x.pointer === "/kubernetesVersion");
    assert.equal(p.map((x) => x.severity), ["error"], v);
    assert.match(p[0]!.message, /is not a release version like 1\.36\.0/, v);
  }
  for (const v of ["1.30.0", "1.30", "v1.30.10", "1.30.100"]) assert.equal(withSpec({ kubernetesVersion: v }), [], v);
});

more("should refuse klog's --one-output before 1.20 (klog v2.4.0) and take it from 1.20 until its removal", () => {
  const oneOutput = (version: string) => withSpec({ kubernetesVersion: version, controllerManager: { extraArgs: { "one-output": "true" } } });
  for (const v of ["1.16.0", "1.19.0"]) {
    const p = oneOutput(v);
    assert.equal(p.map((x) => `${x.severity} ${x.pointer}`), ["error /controllerManager/extraArgs/one-output"], v);
    assert.match(p[0]!.message, /--one-output does not exist before Kubernetes 1\.20/, v);
  }
  for (const v of ["1.20.0", "1.25.0"]) assert.equal(oneOutput(v), [], v);
  assert.match(oneOutput("1.26.0")[0]!.message, /--one-output was removed in Kubernetes 1\.26/);
});

more("should refuse endpoint hosts that are no RFC 1123 name or IP literal, and ports outside 1-65535", () => {
  const at = (endpoint: string) => withSpec({ apiServer: { endpoint } }).filter((p) => p.pointer === "/apiServer/endpoint");
  for (const host of ["a;b", "a&b", "a(b", "a)b", "a!b", "a{b", "a}b", "a*b", "a=b", "a,b", "a~b", "a+b", "-a", "a-", "a..b", ".a", "a_b", "x".repeat(64), "1.2.3", "256.1.1.1", "[10.0.0.1]", "[::g]"]) {
    const p = at(`https://${host}:6443`);
    assert.equal(p.map((x) => x.severity), ["error"], host);
  }
  for (const port of ["0", "65536", "06443", "-1"]) assert.equal(at(`https://api.example:${port}`).map((x) => x.severity), ["error"], port);
  assert.match(at("https://api.example:0")[0]!.message, /port "0" is not a port number 1-65535/);
  for (const ok of ["https://api.example:6443", "https://API-1.example.com:443", "https://10.0.0.100:8443", "https://[2001:db8::1]:6443", "https://api:6443/"]) {
    assert.equal(at(ok), [], ok);
  }
  const noPort = at("https://api.example");
  assert.equal(noPort.map((x) => [x.severity, x.hint]), [["warning", "https://api.example:443"]]);
  assert.match(noPort[0]!.message, /names no port: kubeconfigs will use https's 443/);
});

more("should refuse an IPv4-mapped IPv6 node address, offering the IPv4 address when it is usable", () => {
  const at = (ip: string) => withSpec({ nodes: [{ name: "cp-1", ip }, { name: "cp-2", ip: "10.0.0.2" }] }).filter((p) => p.pointer === "/nodes/0/ip");
  const loop = at("::ffff:127.0.0.1");
  assert.equal(loop.map((x) => [x.severity, x.hint]), [["error", undefined]]);
  assert.match(loop[0]!.message, /is an IPv4-mapped IPv6 address/);
  assert.equal(at("::ffff:10.0.0.1").map((x) => x.hint), ["10.0.0.1"]);
});

more("should refuse a serviceCIDR prefix with a leading zero rather than write it verbatim", () => {
  const at = (serviceCIDR: string) => withSpec({ serviceCIDR }).filter((p) => p.pointer === "/serviceCIDR");
  for (const c of ["10.254.0.0/016", "10.254.0.0/00", "fd00::/0108"]) assert.equal(at(c).map((x) => x.severity), ["error"], c);
  for (const c of ["10.254.0.0/16", "fd00::/108", "0.0.0.0/0"]) assert.equal(at(c).filter((x) => x.message.includes("CIDR")), [], c);
});

more("should bound node paths: at most 1024 characters, no name over 255", () => {
  const at = (dataDir: string) => withSpec({ paths: { dataDir } }).filter((p) => p.pointer === "/paths/dataDir");
  const parts = (n: number, len: number) => `/${Array(n).fill("d".repeat(len)).join("/")}`;
  assert.equal(at(parts(4, 255)), [], "1021 characters in names of 255");
  assert.match(at(parts(5, 204))[0]!.message, /is 1025 characters long; kubebundle takes node paths of at most 1024/);
  assert.match(at(`/data/${"x".repeat(256)}`)[0]!.message, /folder name longer than 255/);
});

more("should bound leader-election durations to 1h, the wait check-ha.sh can hold, and take any positive one below", () => {
  const at = (v: string) => withSpec({ controllerManager: { extraArgs: { "leader-elect-retry-period": v } } }).filter((p) => p.severity === "error");
  assert.equal(at("1ns"), []);
  assert.equal(at("1h").map((p) => p.message), ["--leader-elect-renew-deadline=10s must be longer than 1.2 x the retry period (--leader-elect-retry-period=1h): kube-controller-manager refuses to start otherwise"]);
  const long = withSpec({ controllerManager: { extraArgs: { "leader-elect-lease-duration": "2000000h" } } }).filter((p) => p.severity === "error");
  assert.equal(long.map((p) => [p.pointer, p.hint]), [["/controllerManager/extraArgs/leader-elect-lease-duration", "1h"]]);
  assert.match(long[0]!.message, /longer than kubebundle accepts for leader election \(at most 1h/);
});

more("should warn about fields that have no effect: caCSR beside an imported CA, O in pki.names", () => {
  const base = JSON.parse(readFileSync(fixture("valid-minimal.json"), "utf8")) as Record<string, any>;
  const warnings = (pki: Record<string, unknown>) =>
    checkSpec(JSON.stringify({ ...base, pki: { ...base.pki, ...pki } }), fixture("inline.json")).problems.filter((p) => p.severity === "warning");
  assert.equal(warnings({ caCSR: { CN: "x" } }), [], "caCSR without pki.ca names the CA kubebundle creates");
  const ca = { certFile: "../pki/ca.pem", keyFile: "../pki/ca-key.pem" };
  const withCa = checkSpec(JSON.stringify({ ...base, pki: { ...base.pki, ca, caCSR: { CN: "x" } } }), fixture("inline.json")).problems;
  assert.ok(withCa.some((p) => p.pointer === "/pki/caCSR" && p.severity === "warning" && /is ignored: pki.ca imports the CA/.test(p.message)), JSON.stringify(withCa));
  const o = warnings({ names: [{ C: "CN", O: "mine" }] });
  assert.equal(o.map((p) => p.pointer), ["/pki/names/0/O"]);
  assert.match(o[0]!.message, /is ignored: every certificate sets its own O/);
});

more.run();

rules("should give line and column of a syntax error", () => {
  const [p] = problemsOf("invalid-syntax.json");
  assert.equal([p!.line, p!.col], [5, 3]);
});

rules.run();
