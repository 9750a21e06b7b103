import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { UNIT_NAME, firstKcm } from "../helpers/components.js";
import { shellQuote } from "../../src/render/install-script.js";
import { buildKubeconfig, serializeKubeconfig } from "../../src/render/kubeconfig.js";
import { renderVerifyScript, type VerifyScriptInput } from "../../src/render/verify-script.js";
import { loadSpec } from "../../src/spec/load.js";
import { hasTool, needTool, ROOT, tmp } from "../helpers/tools.js";
import { kubeApiserver } from "../../src/components/kube-apiserver/index.js";
import { planNode } from "../../src/plan/node-plan.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { clusterWith, PEMS, SECRETS } from "../plan/_specs.js";

// --- a node's files, from the generated CA: the kube-controller-manager certificate (SAN 127.0.0.1) serves
// --- and authenticates, the admin certificate reads /metrics; a second CA stands for a wrong one.

interface Pem {
  cert: string;
  key: string;
}
interface World {
  dir: string;
  ca: Pem;
  kcm: Pem;
  admin: Pem;
  otherCa: Pem;
  files: { ca: string; otherCa: string; cert: string; key: string; adminCert: string; adminKey: string; kubeconfig: string; systemctl: string; log: string };
  cleanup(): void;
}

async function makeWorld(): Promise<World> {
  const cluster = loadSpec(path.join(ROOT, "test/fixtures/spec/valid-minimal.json")).cluster;
  const pki = await reconcilePki(cluster, new Map(), realDeps());
  const other = await reconcilePki(cluster, new Map(), realDeps());
  const t = tmp();
  const dir = path.join(t.dir, "node root with spaces");
  mkdirSync(dir);
  const put = (name: string, text: string, mode = 0o600): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode });
    return p;
  };
  const log = path.join(dir, "systemctl.log");
  const systemctl = put(
    "systemctl",
    [
      "#!/bin/sh",
      `printf '%s\\n' "$*" >> ${shellQuote(log)}`,
      'case "$1" in',
      '  is-active) s=${STANDIN_ACTIVE:-active}; echo "$s"; [ "$s" = active ] ;;',
      '  is-enabled) s=${STANDIN_ENABLED:-enabled}; echo "$s"; [ "$s" = enabled ] ;;',
      "  *) exit 1 ;;",
      "esac",
      "",
    ].join("\n"),
    0o755,
  );
  const ca = pki.certs.ca!;
  const kcm = firstKcm(pki.certs);
  const admin = pki.certs.admin!;
  return {
    dir,
    ca,
    kcm,
    admin,
    otherCa: other.certs.ca!,
    files: {
      ca: put("ca.pem", ca.cert, 0o644),
      otherCa: put("other-ca.pem", other.certs.ca!.cert, 0o644),
      cert: put("kube-controller-manager.pem", kcm.cert, 0o644),
      key: put("kube-controller-manager-key.pem", kcm.key),
      adminCert: put("admin.pem", admin.cert, 0o644),
      adminKey: put("admin-key.pem", admin.key),
      kubeconfig: path.join(dir, "kube-controller-manager.kubeconfig"),
      systemctl,
      log,
    },
    cleanup: t.cleanup,
  };
}

// --- the stand-in kube-controller-manager (and apiserver, for kubectl): /healthz and /version for any client
// --- certificate of the CA, /metrics for CN admin only (as RBAC would have it)

const METRICS = "# HELP workqueue_adds_total Total number of adds handled by workqueue\n# TYPE workqueue_adds_total counter\nworkqueue_adds_total{name=\"node\"} 3\n";

async function startServer(w: World): Promise<{ server: Server; port: number; stop(): Promise<void> }> {
  const server = createServer({ cert: w.kcm.cert, key: w.kcm.key, ca: w.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    const route = new URL(req.url ?? "/", "https://localhost").pathname;
    if (route === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok");
    } else if (route === "/version") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ major: "1", minor: "36", gitVersion: "v1.36.0" }));
    } else if (route === "/metrics" && cn === "admin") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(METRICS);
    } else if (route === "/metrics") {
      res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden: User "${String(cn)}" cannot get path "/metrics"`);
    } else {
      res.writeHead(404).end("404 page not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { server, port, stop };
}

/** The node's kubeconfig, pointing at the stand-in server as if it were the apiserver. */
function writeKubeconfig(w: World, port: number): void {
  const kc = buildKubeconfig({ clusterName: "kubernetes", server: `https://127.0.0.1:${port}`, user: "system:kube-controller-manager", caPem: w.ca.cert, certPem: w.kcm.cert, keyPem: w.kcm.key });
  writeFileSync(w.files.kubeconfig, serializeKubeconfig(kc), { mode: 0o600 });
}

function inputFor(w: World, over: Partial<VerifyScriptInput> = {}): VerifyScriptInput {
  return {
    component: "kube-controller-manager",
    node: { name: "cp-1", ip: "10.0.0.1" },
    securePort: 10252,
    unitName: UNIT_NAME,
    caFile: w.files.ca,
    paths: ["/healthz"],
    certFile: w.files.cert,
    keyFile: w.files.key,
    kubeconfig: w.files.kubeconfig,
    version: "0.0.0-test",
    ...over,
  };
}

function writeScript(w: World, input: VerifyScriptInput, name = "verify.sh"): string {
  const p = path.join(w.dir, name);
  writeFileSync(p, renderVerifyScript(input), { mode: 0o755 });
  chmodSync(p, 0o755);
  return p;
}

// --- running it: real bash, spawned asynchronously so the in-process server answers ---

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function runAsync(script: string, args: string[], env: Record<string, string>, home: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { cwd: "/", env: { ...process.env, HOME: home, KUBECONFIG: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Lines "STATUS check: detail" by check name. */
function lines(r: Run): Record<string, { status: string; detail: string }> {
  const out: Record<string, { status: string; detail: string }> = {};
  for (const l of r.out.split("\n")) {
    const m = /^(PASS|FAIL|SKIP) ([a-z-]+): (.*)$/.exec(l);
    if (m) out[m[2]!] = { status: m[1]!, detail: m[3]! };
  }
  return out;
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.out}--- stderr\n${r.err}`;

// --- the suite ---

const vs = suite("verify.sh");
let W: World;
let S: Awaited<ReturnType<typeof startServer>>;
let SCRIPT: string;
let ENV: Record<string, string>;
const ADMIN = () => ["--admin-cert", W.files.adminCert, "--admin-key", W.files.adminKey];
const KUBECTL = hasTool("kubectl");

vs.before(async () => {
  W = await makeWorld();
  S = await startServer(W);
  writeKubeconfig(W, S.port);
  SCRIPT = writeScript(W, inputFor(W));
  ENV = { KCM_VERIFY_HOST: "127.0.0.1", KCM_VERIFY_PORT: String(S.port), KCM_VERIFY_SYSTEMCTL: W.files.systemctl };
});

vs.after(async () => {
  await S?.stop().catch(() => undefined);
  W?.cleanup();
});

vs("should be clean under shellcheck", () => {
  if (!needTool("shellcheck", "verify.sh lint")) return;
  for (const node of [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-6", ip: "fd00::6" }]) {
    const p = writeScript(W, inputFor(W, { node }), `verify-${node.name}.sh`);
    const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", p], { encoding: "utf8" });
    assert.is(r.status, 0, r.stdout + r.stderr);
  }
});

vs("should pass every check against a live HTTPS endpoint with certificates from the generated CA", async () => {
  if (!needTool("curl", "verify.sh's curl path")) return;
  const r = await runAsync(SCRIPT, ADMIN(), ENV, W.dir);
  const l = lines(r);
  assert.is(r.code, 0, show(r));
  assert.equal(Object.keys(l), ["unit-active", "unit-enabled", "listening", "healthz", "metrics", "apiserver"], show(r));
  for (const c of ["unit-active", "unit-enabled", "listening", "healthz", "metrics"]) assert.is(l[c]!.status, "PASS", show(r));
  assert.is(l.listening!.detail, `127.0.0.1:${S.port} (ss -ltn)`);
  assert.is(l.healthz!.detail, `https://127.0.0.1:${S.port}/healthz: ok`);
  assert.match(l.metrics!.detail, "HTTP 200, 1 metric families");
  if (KUBECTL) assert.equal(l.apiserver, { status: "PASS", detail: `https://127.0.0.1:${S.port} /healthz: ok (${W.files.kubeconfig})` });
  else {
    needTool("kubectl", "verify.sh's apiserver check");
    assert.is(l.apiserver!.status, "SKIP");
  }
  assert.match(r.out, /^verify\.sh: node cp-1: \d passed, 0 failed, \d skipped$/m);
  const calls = readFileSync(W.files.log, "utf8");
  assert.match(calls, `is-active ${UNIT_NAME}\n`);
  assert.match(calls, `is-enabled ${UNIT_NAME}\n`);
});

vs("should print one JSON array with --json", async () => {
  const r = await runAsync(SCRIPT, ["--json", ...ADMIN()], ENV, W.dir);
  assert.is(r.code, 0, show(r));
  const doc = JSON.parse(r.out) as { check: string; status: string; detail: string }[];
  assert.equal(
    doc.map((d) => d.check),
    ["unit-active", "unit-enabled", "listening", "healthz", "metrics", "apiserver"],
  );
  for (const d of doc.slice(0, 5)) assert.is(d.status, "pass", JSON.stringify(d));
  assert.is(doc[5]!.status, KUBECTL ? "pass" : "skip");
  assert.is(typeof doc[3]!.detail, "string");
});

vs("should skip metrics without admin credentials and refuse only one of them", async () => {
  const r = await runAsync(SCRIPT, [], ENV, W.dir);
  assert.is(r.code, 0, show(r));
  assert.equal(lines(r).metrics, { status: "SKIP", detail: "no --admin-cert/--admin-key given" });
  const half = await runAsync(SCRIPT, ["--admin-cert", W.files.adminCert], ENV, W.dir);
  assert.is(half.code, 2, show(half));
  assert.match(half.err, "--admin-cert and --admin-key go together");
});

vs("should fail metrics when the certificate given is not allowed to read them", async () => {
  const r = await runAsync(SCRIPT, ["--admin-cert", W.files.cert, "--admin-key", W.files.key], ENV, W.dir);
  assert.is(r.code, 1, show(r));
  const l = lines(r);
  assert.is(l.healthz!.status, "PASS");
  assert.equal(l.metrics, { status: "FAIL", detail: `https://127.0.0.1:${S.port}/metrics: HTTP 403: forbidden: User "system:kube-controller-manager" cannot get path "/metrics"` });
});

vs("should use openssl s_client when curl is missing", async () => {
  if (!needTool("openssl", "verify.sh's openssl fallback")) return;
  const r = await runAsync(SCRIPT, ADMIN(), { ...ENV, KCM_VERIFY_CURL: "no-such-curl" }, W.dir);
  assert.is(r.code, 0, show(r));
  const l = lines(r);
  assert.equal(l.healthz, { status: "PASS", detail: `https://127.0.0.1:${S.port}/healthz: ok` });
  assert.equal(l.metrics, { status: "PASS", detail: `https://127.0.0.1:${S.port}/metrics: HTTP 200, 1 metric families` });
  const bad = await runAsync(SCRIPT, ["--admin-cert", W.files.cert, "--admin-key", W.files.key], { ...ENV, KCM_VERIFY_CURL: "no-such-curl" }, W.dir);
  assert.match(lines(bad).metrics!.detail, "HTTP 403: forbidden");
});

vs("should report a clear failure when neither curl nor openssl is there", async () => {
  const r = await runAsync(SCRIPT, [], { ...ENV, KCM_VERIFY_CURL: "no-such-curl", KCM_VERIFY_OPENSSL: "no-such-openssl" }, W.dir);
  assert.is(r.code, 1, show(r));
  assert.equal(lines(r).healthz, { status: "FAIL", detail: `https://127.0.0.1:${S.port}/healthz: neither no-such-curl nor no-such-openssl found` });
});

vs("should fall back to a /dev/tcp connect when ss is missing", async () => {
  const r = await runAsync(SCRIPT, [], { ...ENV, KCM_VERIFY_SS: "no-such-ss" }, W.dir);
  assert.is(r.code, 0, show(r));
  assert.equal(lines(r).listening, { status: "PASS", detail: `127.0.0.1:${S.port} accepts connections (bash /dev/tcp; no-such-ss not found)` });
});

vs("should fail healthz when the server's certificate is not from the CA it checks against", async () => {
  const p = writeScript(W, inputFor(W, { caFile: W.files.otherCa }), "verify-other-ca.sh");
  for (const extra of [{}, { KCM_VERIFY_CURL: "no-such-curl" }] as Record<string, string>[]) {
    const r = await runAsync(p, [], { ...ENV, ...extra }, W.dir);
    assert.is(r.code, 1, show(r));
    const l = lines(r);
    assert.is(l.healthz!.status, "FAIL", show(r));
    assert.match(l.healthz!.detail, /certificate|verify/i, show(r));
  }
});

vs("should fail the unit checks when systemctl says inactive and disabled", async () => {
  const r = await runAsync(SCRIPT, [], { ...ENV, STANDIN_ACTIVE: "inactive", STANDIN_ENABLED: "disabled" }, W.dir);
  assert.is(r.code, 1, show(r));
  const l = lines(r);
  assert.equal(l["unit-active"], { status: "FAIL", detail: `${UNIT_NAME} is inactive; see: journalctl -u ${UNIT_NAME}` });
  assert.equal(l["unit-enabled"], { status: "FAIL", detail: `${UNIT_NAME} is disabled, not enabled; run: systemctl enable ${UNIT_NAME}` });
  assert.is(l.healthz!.status, "PASS");
});

vs("should skip the apiserver check when kubectl is missing, and fail it when the kubeconfig is unreadable", async () => {
  const r = await runAsync(SCRIPT, [], { ...ENV, KCM_VERIFY_KUBECTL: "no-such-kubectl" }, W.dir);
  assert.is(r.code, 0, show(r));
  assert.equal(lines(r).apiserver, { status: "SKIP", detail: "no-such-kubectl not found" });
  if (!KUBECTL) return;
  const p = writeScript(W, inputFor(W, { kubeconfig: path.join(W.dir, "missing.kubeconfig") }), "verify-no-kubeconfig.sh");
  const m = await runAsync(p, [], ENV, W.dir);
  assert.is(m.code, 1, show(m));
  assert.equal(lines(m).apiserver, { status: "FAIL", detail: `cannot read ${path.join(W.dir, "missing.kubeconfig")} (run as root?)` });
});

vs("should document its options and environment variables in --help, and refuse bad ones", async () => {
  const r = await runAsync(SCRIPT, ["--help"], {}, W.dir);
  assert.is(r.code, 0, show(r));
  for (const v of ["KCM_VERIFY_HOST", "KCM_VERIFY_PORT", "KCM_VERIFY_SYSTEMCTL", "KCM_VERIFY_SS", "KCM_VERIFY_CURL", "KCM_VERIFY_OPENSSL", "KCM_VERIFY_KUBECTL", "KCM_VERIFY_TIMEOUT", "--admin-cert", "--admin-key", "--json"]) {
    assert.match(r.out, v);
  }
  assert.match(r.out, "10.0.0.1:10252");
  const bad = await runAsync(SCRIPT, ["--frobnicate"], {}, W.dir);
  assert.is(bad.code, 2);
  assert.match(bad.err, "unknown option: --frobnicate");
  const port = await runAsync(SCRIPT, [], { KCM_VERIFY_PORT: "70000" }, W.dir);
  assert.is(port.code, 2);
  assert.match(port.err, "KCM_VERIFY_PORT: not a port: 70000");
});

// Last: stops the server for good.
vs("should fail listening and healthz with a clear line once the server is stopped", async () => {
  await S.stop();
  for (const extra of [{}, { KCM_VERIFY_SS: "no-such-ss", KCM_VERIFY_CURL: "no-such-curl" }] as Record<string, string>[]) {
    const r = await runAsync(SCRIPT, ADMIN(), { ...ENV, ...extra }, W.dir);
    assert.is(r.code, 1, show(r));
    const l = lines(r);
    assert.is(l.listening!.status, "FAIL", show(r));
    assert.match(l.listening!.detail, `127.0.0.1:${S.port}`);
    assert.match(l.listening!.detail, "see: journalctl -u kube-controller-manager.service");
    assert.is(l.healthz!.status, "FAIL", show(r));
    assert.match(l.healthz!.detail, `https://127.0.0.1:${S.port}/healthz: `);
    assert.is(l.metrics!.status, "FAIL");
    assert.match(r.out, /: \d passed, [1-9]\d* failed/);
  }
});

const render = suite("renderVerifyScript");

render("should put every value in as one single-quoted word", () => {
  const text = renderVerifyScript({
    component: "kube-controller-manager",
    node: { name: "cp-1", ip: "fd00::1" },
    securePort: 10257,
    paths: ["/healthz"],
    unitName: UNIT_NAME,
    caFile: "/etc/k8s/it's/ca.pem",
    certFile: "/etc/k8s/$(touch x)/kcm.pem",
    keyFile: "/etc/k8s/`id`/kcm-key.pem",
    kubeconfig: "/etc/k8s/kcm.kubeconfig",
    version: "1.2.3",
  });
  assert.match(text, `readonly NODE_IP='fd00::1'\n`);
  assert.match(text, `readonly SECURE_PORT='10257'\n`);
  assert.match(text, `readonly CA_FILE=${shellQuote("/etc/k8s/it's/ca.pem")}\n`);
  assert.match(text, `readonly CERT_FILE='/etc/k8s/$(touch x)/kcm.pem'\n`);
  assert.match(text, "readonly KEY_FILE='/etc/k8s/`id`/kcm-key.pem'\n");
  const r = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
});

render("should refuse a bad port, a relative path, an empty value and a newline", () => {
  const base: VerifyScriptInput = { component: "kube-controller-manager", node: { name: "cp-1", ip: "10.0.0.1" }, securePort: 10252, unitName: UNIT_NAME, caFile: "/a/ca.pem", certFile: "/a/c.pem", keyFile: "/a/k.pem", kubeconfig: "/a/kc", version: "1", paths: ["/healthz"] };
  assert.throws(() => renderVerifyScript({ ...base, securePort: 0 }), /secure port/);
  assert.throws(() => renderVerifyScript({ ...base, securePort: 65536 }), /secure port/);
  assert.throws(() => renderVerifyScript({ ...base, caFile: "ca.pem" }), /absolute/);
  assert.throws(() => renderVerifyScript({ ...base, keyFile: "/a/../k.pem" }), /absolute/);
  assert.throws(() => renderVerifyScript({ ...base, node: { name: "", ip: "10.0.0.1" } }), /empty node name/);
  assert.throws(() => renderVerifyScript({ ...base, version: "1\n2" }), /newline/);
});

render("should show the kubebundle version, node and defaults", () => {
  const text = renderVerifyScript({ component: "kube-controller-manager", node: { name: "idc-k8s-01", ip: "103.172.239.9" }, securePort: 10252, unitName: UNIT_NAME, caFile: "/a/ca.pem", certFile: "/a/c.pem", keyFile: "/a/k.pem", kubeconfig: "/a/kc", version: "9.9.9", paths: ["/healthz"] });
  assert.ok(text.startsWith("#!/usr/bin/env bash\n"));
  assert.match(text, "readonly KUBEBUNDLE_VERSION='9.9.9'\n");
  assert.match(text, "readonly NODE_NAME='idc-k8s-01'\n");
  assert.match(text, "readonly UNIT='kube-controller-manager.service'\n");
});


// --- kube-apiserver's verify.sh: the script its node plan holds, its files moved to a test folder. It GETs /livez and
// --- /readyz with the health-check client (no kubeconfig, no apiserver check), against a stand-in that answers as
// --- --anonymous-auth=false and the RBAC manifest would: a client certificate of the CA, and the health paths only to
// --- the health-check user (and admin).

const KAS = kubeApiserver;
const KAS_UNIT = "kube-apiserver.service";
const NOT_READY = "[+]ping ok\n[+]etcd ok\n[-]poststarthook/start-apiserver-admission-initializer failed: reason withheld\nreadyz check failed\n";

/** kasVerifyOf: kube-apiserver's verify.sh of a node of `c`, as planNode writes it (stand-in PEMs: the script holds none). */
function kasVerifyOf(c: Cluster, node = c.nodes[0]!): string {
  const f = planNode(c, node, (id) => PEMS[id as keyof typeof PEMS] ?? PEMS.ca, "0.0.0-test", SECRETS).files.find((x) => x.path.endsWith(`/${KAS.id}/verify.sh`));
  assert.ok(f, "the node plan holds kube-apiserver's verify.sh");
  return f!.content.toString("utf8");
}

/** moveFiles: `text` with its CA, certificate and key files set to other paths. */
function moveFiles(text: string, files: { ca: string; cert: string; key: string }): string {
  let out = text;
  for (const [name, p] of [["CA_FILE", files.ca], ["CERT_FILE", files.cert], ["KEY_FILE", files.key]] as const) {
    const line = new RegExp(`^readonly ${name}=.*$`, "m");
    assert.match(out, line, `verify.sh sets ${name}`);
    out = out.replace(line, `readonly ${name}=${shellQuote(p)}`);
  }
  return out;
}

interface KasWorld {
  dir: string;
  files: { ca: string; otherCa: string; hcCert: string; hcKey: string; kcmCert: string; kcmKey: string; adminCert: string; adminKey: string; systemctl: string };
  serving: Pem;
  ca: Pem;
  cleanup(): void;
}

async function makeKasWorld(): Promise<KasWorld> {
  const cluster = loadSpec(path.join(ROOT, "test/fixtures/spec/valid-ecdsa.json")).cluster;
  const pki = await reconcilePki(cluster, new Map(), realDeps());
  const other = await reconcilePki(cluster, new Map(), realDeps());
  const t = tmp();
  const dir = path.join(t.dir, "kube-apiserver node");
  mkdirSync(dir);
  const put = (name: string, text: string, mode = 0o600): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text, { mode });
    return p;
  };
  const hc = pki.certs["kube-apiserver-healthcheck-client"]!;
  const kcm = firstKcm(pki.certs);
  return {
    dir,
    ca: pki.certs.ca!,
    serving: pki.certs[`apiserver@${cluster.nodes[0]!.name}`]!,
    files: {
      ca: put("ca.pem", pki.certs.ca!.cert, 0o644),
      otherCa: put("other-ca.pem", other.certs.ca!.cert, 0o644),
      hcCert: put("kube-apiserver-healthcheck-client.pem", hc.cert, 0o644),
      hcKey: put("kube-apiserver-healthcheck-client-key.pem", hc.key),
      kcmCert: put("kube-controller-manager.pem", kcm.cert, 0o644),
      kcmKey: put("kube-controller-manager-key.pem", kcm.key),
      adminCert: put("admin.pem", pki.certs.admin!.cert, 0o644),
      adminKey: put("admin-key.pem", pki.certs.admin!.key),
      systemctl: put("systemctl", '#!/bin/sh\ncase "$1" in is-active) echo active ;; is-enabled) echo enabled ;; *) exit 1 ;; esac\n', 0o755),
    },
    cleanup: t.cleanup,
  };
}

/** The stand-in kube-apiserver: its serving certificate (SAN 127.0.0.1), /livez and /readyz for the health-check user and
 *  admin (403 for any other user), /readyz a 500 while `notReady`; /metrics for admin. */
async function startKas(w: KasWorld) {
  const state = { notReady: false, seen: [] as { path: string; cn: string }[] };
  const HEALTH_USERS = new Set(["kube-apiserver-healthcheck", "admin"]);
  const server = createServer({ cert: w.serving.cert, key: w.serving.key, ca: w.ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const given = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    const cn = String(given);
    const route = new URL(req.url ?? "/", "https://localhost").pathname;
    state.seen.push({ path: route, cn });
    if (route === "/livez" || route === "/readyz") {
      if (!HEALTH_USERS.has(cn)) res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden: User "${cn}" cannot get path "${route}"`);
      else if (route === "/readyz" && state.notReady) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(NOT_READY);
      else res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok");
    } else if (route === "/metrics" && cn === "admin") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end("# HELP apiserver_request_total Counter of apiserver requests\n# TYPE apiserver_request_total counter\napiserver_request_total{code=\"200\"} 7\n");
    } else {
      res.writeHead(404).end("404 page not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { state, port, stop };
}

const kas = suite("verify.sh of kube-apiserver");
let KW: KasWorld;
let KS: Awaited<ReturnType<typeof startKas>>;
let KAS_SCRIPT: string;
let KAS_ENV: Record<string, string>;
const KAS_CLIENTS: [string, Record<string, string>][] = [
  ["curl", {}],
  ["openssl", { KCM_VERIFY_CURL: "no-such-curl" }],
];

/** kasScript: the planned verify.sh with these files, written to the world's folder. */
function kasScript(name: string, files: { ca: string; cert: string; key: string }): string {
  const p = path.join(KW.dir, name);
  writeFileSync(p, moveFiles(kasVerifyOf(clusterWith("spec/valid-minimal.json", (s) => delete s.components)), files), { mode: 0o755 });
  return p;
}

kas.before(async () => {
  KW = await makeKasWorld();
  KS = await startKas(KW);
  KAS_SCRIPT = kasScript("verify.sh", { ca: KW.files.ca, cert: KW.files.hcCert, key: KW.files.hcKey });
  KAS_ENV = { KCM_VERIFY_HOST: "127.0.0.1", KCM_VERIFY_PORT: String(KS.port), KCM_VERIFY_SYSTEMCTL: KW.files.systemctl };
});
kas.after(async () => {
  await KS?.stop().catch(() => undefined);
  KW?.cleanup();
});
kas.before.each(() => {
  KS.state.notReady = false;
  KS.state.seen.length = 0;
});

kas("should be the row's checks: /livez and /readyz with the health-check client, no kubeconfig, and clean under shellcheck", () => {
  const c = clusterWith("spec/valid-minimal.json", (s) => delete s.components);
  const text = kasVerifyOf(c);
  assert.match(text, "readonly HEALTH_PATHS=('/livez' '/readyz')\n");
  assert.match(text, `readonly UNIT='${KAS_UNIT}'\n`);
  assert.match(text, `readonly NODE_IP='${c.nodes[0]!.ip}'\nreadonly SECURE_PORT='6443'\n`);
  assert.match(text, /^readonly CERT_FILE='\/etc\/kubernetes\/cert\/kube-apiserver-healthcheck-client\.pem'$/m);
  assert.match(text, /^readonly KEY_FILE='\/etc\/kubernetes\/cert\/kube-apiserver-healthcheck-client-key\.pem'$/m);
  assert.match(text, /^readonly CA_FILE='\/etc\/kubernetes\/cert\/ca\.pem'$/m);
  for (const absent of ["KUBECONFIG_FILE", "KUBECTL", "check_apiserver", "kubeconfig"]) assert.not.match(text, absent, `no ${absent} in kube-apiserver's verify.sh`);
  if (!needTool("shellcheck", "verify.sh lint")) return;
  const v6 = clusterWith("valid-ipv6.json", (s) => delete s.components);
  for (const [name, script] of [["v4", text], ["v6", kasVerifyOf(v6, v6.nodes[1])]] as const) {
    const p = path.join(KW.dir, `lint-${name}.sh`);
    writeFileSync(p, script, { mode: 0o755 });
    const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", p], { encoding: "utf8" });
    assert.is(r.status, 0, r.stdout + r.stderr);
  }
});

kas("should pass livez and readyz, each asked with the health-check client, through curl and through openssl", async () => {
  for (const [client, env] of KAS_CLIENTS) {
    if (!needTool(client, `verify.sh's ${client} path`)) continue;
    KS.state.seen.length = 0;
    const r = await runAsync(KAS_SCRIPT, ["--admin-cert", KW.files.adminCert, "--admin-key", KW.files.adminKey], { ...KAS_ENV, ...env }, KW.dir);
    assert.is(r.code, 0, `${client}: ${show(r)}`);
    const l = lines(r);
    assert.equal(Object.keys(l), ["unit-active", "unit-enabled", "listening", "livez", "readyz", "metrics"], show(r));
    for (const c of Object.keys(l)) assert.is(l[c]!.status, "PASS", `${client} ${c}: ${show(r)}`);
    assert.is(l.livez!.detail, `https://127.0.0.1:${KS.port}/livez: ok`);
    assert.is(l.readyz!.detail, `https://127.0.0.1:${KS.port}/readyz: ok`);
    assert.match(l.metrics!.detail, "HTTP 200, 1 metric families");
    assert.equal(KS.state.seen, [
      { path: "/livez", cn: "kube-apiserver-healthcheck" },
      { path: "/readyz", cn: "kube-apiserver-healthcheck" },
      { path: "/metrics", cn: "admin" },
    ]);
    assert.not.match(r.out, /apiserver:/);
    assert.match(r.out, /^verify\.sh: node cp-1: 6 passed, 0 failed, 0 skipped$/m);
  }
});

kas("should fail readyz on a 500 with the failed checks, pass livez, and exit 1", async () => {
  KS.state.notReady = true;
  for (const [client, env] of KAS_CLIENTS) {
    if (!needTool(client, `verify.sh's ${client} path`)) continue;
    const r = await runAsync(KAS_SCRIPT, [], { ...KAS_ENV, ...env }, KW.dir);
    assert.is(r.code, 1, `${client}: ${show(r)}`);
    const l = lines(r);
    assert.equal(l.livez, { status: "PASS", detail: `https://127.0.0.1:${KS.port}/livez: ok` });
    assert.equal(l.readyz, {
      status: "FAIL",
      detail: `https://127.0.0.1:${KS.port}/readyz: HTTP 500: [+]ping ok; [+]etcd ok; [-]poststarthook/start-apiserver-admission-initializer failed: reason withheld; readyz check failed`,
    }, `${client}: ${show(r)}`);
    assert.match(r.out, /: 4 passed, 1 failed, 1 skipped$/m);
  }
  const json = await runAsync(KAS_SCRIPT, ["--json"], KAS_ENV, KW.dir);
  assert.is(json.code, 1, show(json));
  const doc = JSON.parse(json.out) as { check: string; status: string }[];
  assert.equal(doc.map((d) => `${d.check} ${d.status}`), ["unit-active pass", "unit-enabled pass", "listening pass", "livez pass", "readyz fail", "metrics skip"]);
});

kas("should fail both health paths with the 403 when the certificate is not the health-check user's, and on a server the CA does not vouch for", async () => {
  const kcm = kasScript("verify-kcm-client.sh", { ca: KW.files.ca, cert: KW.files.kcmCert, key: KW.files.kcmKey });
  const r = await runAsync(kcm, [], KAS_ENV, KW.dir);
  assert.is(r.code, 1, show(r));
  for (const p of ["livez", "readyz"]) {
    assert.equal(lines(r)[p], { status: "FAIL", detail: `https://127.0.0.1:${KS.port}/${p}: HTTP 403: forbidden: User "system:kube-controller-manager" cannot get path "/${p}"` });
  }
  const wrong = kasScript("verify-other-ca.sh", { ca: KW.files.otherCa, cert: KW.files.hcCert, key: KW.files.hcKey });
  for (const [client, env] of KAS_CLIENTS) {
    if (!needTool(client, `verify.sh's ${client} path`)) continue;
    KS.state.seen.length = 0;
    const w = await runAsync(wrong, [], { ...KAS_ENV, ...env }, KW.dir);
    assert.is(w.code, 1, show(w));
    for (const p of ["livez", "readyz"]) assert.match(lines(w)[p]!.detail, /certificate|verify/i, `${client}: ${show(w)}`);
    assert.equal(KS.state.seen, [], "no request reaches a server the CA does not vouch for");
  }
});

kas("should list only its own checks in --help: no apiserver check, no kubectl", async () => {
  const r = await runAsync(KAS_SCRIPT, ["--help"], {}, KW.dir);
  assert.is(r.code, 0, show(r));
  assert.match(r.out, /^ {2}livez {10}GET https:\/\/<host>:<port>\/livez answers "ok"/m);
  assert.match(r.out, /^ {2}readyz {9}GET https:\/\/<host>:<port>\/readyz answers "ok"/m);
  assert.match(r.out, "client certificate /");
  assert.not.match(r.out, "KCM_VERIFY_KUBECTL");
  assert.not.match(r.out, /^ {2}apiserver /m);
});

vs.run();
kas.run();
render.run();
