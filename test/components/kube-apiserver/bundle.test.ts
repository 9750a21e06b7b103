// kube-apiserver's configuration files and secrets as `generate` writes them: encryption-config.yaml and audit-policy.yaml
// of every node parsed back with `yaml`, their modes on disk and in the tarballs, what git ignores, and the secrets of
// out/pki across runs (reused byte for byte, a lost encryption key refused with out/ untouched, a trust switch warned about).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { NODES, filesUnder, generateSpec, generated, guideSpec, tarModes } from "../../helpers/bundle.js";
import { cli } from "../../helpers/cli.js";
import { snapshot } from "../../helpers/snapshot.js";
import { needTool, run, withTmp } from "../../helpers/tools.js";
import { flagsOf } from "../../helpers/unit-file.js";

const ENC = "/etc/kubernetes/encryption-config.yaml";
const AUDIT = "/etc/kubernetes/audit-policy.yaml";
const UNIT = "/etc/systemd/system/kube-apiserver.service";
const KCM_UNIT = "/etc/systemd/system/kube-controller-manager.service";
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

const enc = suite("encryption-config.yaml (generated)");

for (const provider of [undefined, "secretbox", "aesgcm"] as const) {
  const name = provider ?? "aescbc";
  enc(`${name}${provider ? "" : " (default)"}: Secrets encrypted with key1 = out/pki/encryption.key, then identity; the same file on every node, 0600 on disk and in the tarball`, async () => {
    await withTmp(async (t) => {
      const g = await generated(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), provider && (s.apiServer = { ...s.apiServer, encryption: { provider } })));
      const stored = readFileSync(g.pki("encryption.key"), "utf8");
      const first = g.read(NODES[0].name, ENC);
      const doc = parse(first);
      assert.is(doc.apiVersion, "apiserver.config.k8s.io/v1");
      assert.is(doc.kind, "EncryptionConfiguration");
      assert.is(doc.resources.length, 1);
      assert.equal(doc.resources[0].resources, ["secrets"]);
      const providers = doc.resources[0].providers;
      assert.equal(providers.map((p: object) => Object.keys(p)), [[name], ["identity"]], "the spec's provider first, then identity");
      assert.equal(providers[1], { identity: {} });
      const keys = providers[0][name].keys;
      assert.is(keys.length, 1);
      assert.is(keys[0].name, "key1");
      const secret: string = keys[0].secret;
      const bytes = Buffer.from(secret, "base64");
      assert.is(bytes.length, 32, "a 32-byte key");
      assert.is(bytes.toString("base64"), secret, "canonical base64");
      assert.is(stored.trimEnd(), secret, "the key of out/pki/encryption.key");
      assert.not.ok(readFileSync(path.join(g.out, "manifest.json"), "utf8").includes(secret), "the manifest holds no secret");
      const tar = needTool("tar", "the modes of the tarball's entries");
      for (const n of NODES) {
        assert.is(g.read(n.name, ENC), first, `${n.name}: the same file`);
        assert.is(mode(g.node(n.name, ENC)), "600", `${n.name}: 0600 in nodes/`);
        assert.is(flagsOf(g.read(n.name, UNIT)).get("encryption-provider-config"), ENC);
        if (tar) assert.is(tarModes(path.join(g.out, "bundles", `${n.name}.tar.gz`)).get(`${n.name}/rootfs${ENC}`), "-rw-------", `${n.name}.tar.gz`);
      }
      assert.is(mode(g.pki("encryption.key")), "600");
    });
  });
}

const audit = suite("audit-policy.yaml (generated)");

audit("should be an audit.k8s.io/v1 Policy with rules on every node, named by --audit-policy-file, 0644", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    for (const n of NODES) {
      const doc = parse(g.read(n.name, AUDIT));
      assert.is(doc.apiVersion, "audit.k8s.io/v1");
      assert.is(doc.kind, "Policy");
      assert.ok(Array.isArray(doc.rules) && doc.rules.length > 0, "rules");
      for (const r of doc.rules) assert.ok(["None", "Metadata", "Request", "RequestResponse"].includes(r.level), `level ${r.level}`);
      assert.equal(doc.rules.at(-1), { level: "Metadata", omitStages: ["RequestReceived"] }, "a catch-all last");
      assert.is(mode(g.node(n.name, AUDIT)), "644");
      const f = flagsOf(g.read(n.name, UNIT));
      assert.is(f.get("audit-policy-file"), AUDIT);
      assert.is(f.get("audit-log-path"), "/data/k8s/k8s/kube-apiserver/audit.log");
    }
  });
});

audit("should write no audit-policy.yaml and no --audit-* flag anywhere with apiServer.audit false", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.apiServer = { ...s.apiServer, audit: false })));
    const manifest = readFileSync(path.join(g.out, "manifest.json"), "utf8");
    assert.not.match(manifest, /audit-policy/);
    for (const n of NODES) {
      assert.equal(filesUnder(path.join(g.out, "nodes", n.name)).filter((f) => f.includes("audit")), [], n.name);
      const flags = [...flagsOf(g.read(n.name, UNIT)).keys()];
      assert.equal(flags.filter((k) => k.startsWith("audit-")), [], n.name);
      assert.ok(flags.includes("encryption-provider-config"), "the rest of the unit stays");
      if (needTool("tar", "listing the tarball")) assert.equal([...tarModes(path.join(g.out, "bundles", `${n.name}.tar.gz`)).keys()].filter((e) => e.includes("audit")), []);
    }
  });
});

const git = suite("kube-apiserver's secrets and git");

git("should make git ignore encryption.key, sa.key and encryption-config.yaml, not sa.pub or the audit policy; no committed file holds a secret", async () => {
  if (!needTool("git", "git check-ignore")) return;
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    run("git", ["init", "-q", t.dir]);
    const files = filesUnder(g.out);
    const ignored = new Set(run("git", ["check-ignore", "--no-index", ...files.map((f) => `out/${f}`)], { cwd: t.dir }).trim().split("\n").map((f) => f.slice(4)));
    const must = ["pki/encryption.key", "pki/sa.key", ...NODES.flatMap((n) => [`nodes/${n.name}/rootfs${ENC}`, `nodes/${n.name}/rootfs/etc/kubernetes/cert/sa.key`])];
    const mustNot = ["pki/sa.pub", "pki/front-proxy-ca.pem", ...NODES.flatMap((n) => [`nodes/${n.name}/rootfs${AUDIT}`, `nodes/${n.name}/rootfs/etc/kubernetes/cert/sa.pub`, `nodes/${n.name}/rootfs${UNIT}`])];
    for (const f of must) assert.ok(files.includes(f) && ignored.has(f), `${f} must be ignored`);
    for (const f of mustNot) assert.ok(files.includes(f) && !ignored.has(f), `${f} must not be ignored`);
    const key = readFileSync(g.pki("encryption.key"), "utf8").trimEnd();
    for (const f of files.filter((x) => !ignored.has(x))) {
      const text = readFileSync(path.join(g.out, f), "utf8");
      assert.not.match(text, /PRIVATE KEY/, `${f} is committed and holds a private key`);
      assert.not.ok(text.includes(key), `${f} is committed and holds the encryption key`);
    }
  });
});

const runs = suite("kube-apiserver's secrets across runs");

runs("should reuse encryption.key, sa.key and sa.pub byte for byte on a run that re-renders (a kube-controller-manager flag changed)", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const edit = (gc: string) => (s: any) => ((s.kubernetesVersion = "1.36.0"), (s.controllerManager.extraArgs = { "concurrent-gc-syncs": gc }));
    const first = await generateSpec(guideSpec(t.dir, edit("30")), out);
    const secrets = ["encryption.key", "sa.key", "sa.pub"].map((f) => [f, readFileSync(first.pki(f))] as const);
    const configs = NODES.map((n) => first.read(n.name, ENC));
    const second = await generateSpec(guideSpec(t.dir, edit("45")), out);
    assert.not.match(second.result.out, /no changes/, "not the fast path");
    assert.match(second.result.out, /encryption-key\s+reused/);
    assert.match(second.result.out, /service-account-key\s+reused/);
    for (const n of NODES) assert.is(flagsOf(second.read(n.name, KCM_UNIT)).get("concurrent-gc-syncs"), "45", "the change was rendered");
    for (const [f, bytes] of secrets) assert.ok(readFileSync(second.pki(f)).equals(bytes), `${f} byte-identical`);
    NODES.forEach((n, i) => assert.is(second.read(n.name, ENC), configs[i], `${n.name}: encryption-config.yaml unchanged`));
    for (const n of NODES) assert.is(second.read(n.name, "/etc/kubernetes/cert/sa.key"), secrets[1]![1].toString(), n.name);
  });
});

runs("should refuse (exit 2, naming the file) to run without the encryption key the last run made, leaving out/ byte for byte as it was", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    const file = g.pki("encryption.key");
    rmSync(file);
    const before = snapshot(g.out);
    const r = await cli("generate", g.spec, "--out", g.out);
    assert.is(r.code, 2, r.out);
    assert.ok(r.err.includes(`${file}: missing`), r.err);
    assert.match(r.err, /never makes a new one silently/);
    assert.equal(snapshot(g.out), before, "out/ unchanged");
    const json = await cli("generate", g.spec, "--out", g.out, "--json");
    assert.is(json.code, 2);
    assert.is(JSON.parse(json.out).error, "pki-state-lost");
    assert.equal(snapshot(g.out), before, "out/ unchanged by the --json run either");
  });
});

runs("should keep the previous provider for reading when apiServer.encryption.provider changes, and refuse a replaced key file", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    const key = readFileSync(g.pki("encryption.key"), "utf8").trim();
    const box = await generateSpec(guideSpec(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.apiServer.encryption = { provider: "secretbox" }))), g.out);
    for (const n of NODES) {
      const providers = (parse(box.read(n.name, ENC)) as { resources: { providers: Record<string, { keys?: { secret: string }[] }>[] }[] }).resources[0]!.providers;
      assert.equal(providers.map((p) => Object.keys(p)[0]), ["secretbox", "aescbc", "identity"], `${n}: secretbox encrypts, aescbc still reads`);
      assert.equal(providers.slice(0, 2).map((p) => Object.values(p)[0]!.keys![0]!.secret), [key, key]);
    }
    // Another valid key put in place of the recorded one: refused, out/ untouched.
    writeFileSync(g.pki("encryption.key"), `${Buffer.alloc(32, 9).toString("base64")}\n`, { mode: 0o600 });
    const before = snapshot(g.out);
    const r = await cli("generate", box.spec, "--out", g.out);
    assert.is(r.code, 2, r.out);
    assert.match(r.err, /encryption\.key: not the encryption key the last run wrote/);
    assert.equal(snapshot(g.out), before);
  });
});

runs("should warn that existing service-account tokens stop verifying when pki.trust goes from separate to single (exit 0), once", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const separate = await generateSpec(guideSpec(t.dir, (s) => (s.kubernetesVersion = "1.36.0")), out);
    assert.not.match(separate.result.err, /stops verifying/);
    const spec = guideSpec(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.pki.trust = "single")));
    const single = await generateSpec(spec, out);
    assert.match(single.result.err, /\/pki\/trust: warning: the service-account signing key changed \(now the cluster CA key,/);
    assert.match(single.result.err, /every existing service-account token stops verifying/);
    for (const n of NODES) assert.is(flagsOf(single.read(n.name, UNIT)).get("service-account-key-file"), "/etc/kubernetes/cert/ca.pem");
    assert.not.match(readFileSync(path.join(out, "manifest.json"), "utf8"), /stops verifying/, "news of that run, not a warning of the spec kept in the manifest");
    const again = await generateSpec(spec, out);
    assert.match(again.result.out, /inputs and out\/ match the last run/);
    assert.not.match(again.result.err, /stops verifying/, "the new key is recorded: no warning on the next run");
  });
});

enc.run();
audit.run();
git.run();
runs.run();
