import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { cli } from "../helpers/cli.js";
import { needTool, ROOT, run, tmp, withTmp } from "../helpers/tools.js";

const EXAMPLE = path.join(ROOT, "cluster.example.json");
const FIX = path.join(ROOT, "test/fixtures/spec");
const test = suite("kubebundle validate");

test("should print a summary and exit 0 for the example", async () => {
  const r = await cli("validate", EXAMPLE);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /valid/);
  assert.match(r.out, /Kubernetes 1\.36\.0/);
  assert.match(r.out, /idc-k8s-02\s+103\.172\.238\.94\s+-> bundles\/idc-k8s-02\.tar\.gz/);
  assert.match(r.out, /\/etc\/kubernetes\/kube-controller-manager\.kubeconfig/);
  assert.is(r.err, "");
});

test("should print every problem as FILE:LINE:COL: /pointer: message and exit 2", async () => {
  const file = path.join(FIX, "invalid-many.json");
  const r = await cli("validate", file);
  assert.is(r.code, 2);
  const lines = r.err.split("\n");
  assert.is(lines.length, 8);
  for (const l of lines) assert.match(l, new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: /\\S*: `));
  assert.is(r.out, "");
});

test("should print problems as JSON with --json", async () => {
  const r = await cli("validate", path.join(FIX, "invalid-duplicate-ip.json"), "--json");
  assert.is(r.code, 2);
  const j = JSON.parse(r.out);
  assert.is(j.valid, false);
  assert.equal(j.problems.map((p: any) => p.pointer), ["/nodes/1/ip"]);
  assert.is(j.problems[0].line, 10);
  const ok = JSON.parse((await cli("validate", EXAMPLE, "--json")).out);
  assert.is(ok.valid, true);
  assert.equal(ok.summary.nodes.map((n: any) => n.name), ["idc-k8s-01", "idc-k8s-02", "idc-k8s-03"]);
});

test("should exit 2 with a clear message for a missing file", async () => {
  const r = await cli("validate", "/nonexistent/cluster.json");
  assert.is(r.code, 2);
  assert.match(r.err, /\/nonexistent\/cluster\.json: no such file/);
  assert.not.match(r.err, /at .*\.ts:\d+/);
});

test("should exit 2 for a directory", async () => {
  await withTmp(async (t) => {
    const r = await cli("validate", t.dir);
    assert.is(r.code, 2);
    assert.match(r.err, /is a folder, not a cluster spec/);
  });
});

test("should default SPEC to cluster.json in the current folder", async () => {
  const t = tmp();
  const cwd = process.cwd();
  try {
    process.chdir(t.dir);
    const missing = await cli("validate");
    assert.is(missing.code, 2);
    assert.match(missing.err, /cluster\.json: no such file/);
    writeFileSync(path.join(t.dir, "cluster.json"), JSON.stringify({ serviceCIDR: "10.96.0.0/12", nodes: [{ name: "a", ip: "10.0.0.1" }, { name: "b", ip: "10.0.0.2" }] }));
    assert.is((await cli("validate")).code, 0);
  } finally {
    process.chdir(cwd);
    t.cleanup();
  }
});

test("should print warnings on stderr and still exit 0", async () => {
  const r = await cli("validate", path.join(FIX, "valid-single-node.json"));
  assert.is(r.code, 0);
  assert.match(r.err, /\/nodes: warning: only one node/);
});

test("should answer --help and --version, and exit 2 on an unknown command", async () => {
  const help = await cli("--help");
  assert.is(help.code, 0);
  assert.match(help.out, /validate/);
  assert.match(help.out, /generate/);
  assert.match(help.out, /inspect/);
  const sub = await cli("validate", "--help");
  assert.is(sub.code, 0);
  assert.match(sub.out, /--json/);
  const v = await cli("--version");
  assert.is(v.code, 0);
  assert.match(v.out, /^\d+\.\d+\.\d+$/);
  const bad = await cli("bogus");
  assert.is(bad.code, 2);
  assert.match(bad.err, /bogus/);
  const none = await cli();
  assert.is(none.code, 2);
});

test("should check an imported CA as generate would: encrypted key, too short a life", async () => {
  if (!needTool("openssl", "making CA files to import")) return;
  await withTmp(async (t) => {
    const spec = (extra: object) => {
      const s = JSON.parse(readFileSync(EXAMPLE, "utf8"));
      delete s.$schema;
      Object.assign(s.pki, extra);
      const f = path.join(t.dir, "c.json");
      writeFileSync(f, JSON.stringify(s, null, 2));
      return f;
    };
    run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=site-ca"], { cwd: t.dir });
    const short = await cli("validate", spec({ ca: { certFile: "ca.pem", keyFile: "ca-key.pem" } }));
    assert.is(short.code, 2);
    assert.match(short.err, /c\.json:\d+:\d+: \/pki\/ca\/certFile: .*ca\.pem: the CA expires on .* \(try: "expiry": "\d+h"\)/);
    const ok = await cli("validate", spec({ ca: { certFile: "ca.pem", keyFile: "ca-key.pem" }, expiry: "8760h" }));
    assert.is(ok.code, 0, ok.err);
    run("openssl", ["pkey", "-in", "ca-key.pem", "-aes256", "-passout", "pass:x", "-out", "enc-key.pem"], { cwd: t.dir });
    const enc = await cli("validate", spec({ ca: { certFile: "ca.pem", keyFile: "enc-key.pem" }, expiry: "8760h" }));
    assert.is(enc.code, 2);
    assert.match(enc.err, /\/pki\/ca\/keyFile: .*enc-key\.pem: .*encrypted/);
  });
});

test.run();
