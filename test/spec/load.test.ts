import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { checkSpec, loadSpec } from "../../src/spec/load.js";
import { InputError, formatProblem } from "../../src/errors.js";
import { readFileSync } from "node:fs";
import { golden } from "../helpers/golden.js";
import { ROOT } from "../helpers/tools.js";

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
  assert.is(cluster.caFiles, null);
  assert.match(cluster.sha256, /^[0-9a-f]{64}$/);
});

valid("should fill the contract's defaults into a minimal spec", () => {
  const { cluster } = loadSpec(fixture("valid-minimal.json"));
  const s = cluster.spec;
  assert.is(s.clusterName, "kubernetes");
  assert.is(s.kubernetesVersion, "1.36.0");
  assert.equal(s.apiServer, { port: 6443, endpoint: null });
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
  ["invalid-key-size.json", "/pki/key/size", /must be one of 256, 384, 2048, 3072, 4096/],
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
  ["invalid-extra-arg-lease-order.json", "/controllerManager/extraArgs/leader-elect-lease-duration", /--leader-elect-lease-duration=8s must be longer than the renew deadline \(--leader-elect-renew-deadline=10s\)/],
  ["invalid-port-clash.json", "/controllerManager/securePort", /must differ from apiServer.port/],
  ["invalid-port-range.json", "/apiServer/port", /<= 65535/],
  ["invalid-country.json", "/pki/names/0/C", /two-letter country code/, "CN"],
  ["invalid-cluster-name.json", "/clusterName", /DNS-1123 subdomain/, "my-cluster"],
  ["invalid-ca-file-missing.json", "/pki/ca/certFile", /no-such-ca\.pem: no such file/],
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

rules("should give line and column of a syntax error", () => {
  const [p] = problemsOf("invalid-syntax.json");
  assert.equal([p!.line, p!.col], [5, 3]);
});

rules.run();
