// End to end: the documented example flow, the contract's out/ tree, determinism, atomicity.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { cli } from "./helpers/cli.js";
import { needTool, ROOT, run, tmp, withTmp } from "./helpers/tools.js";
import { snapshot } from "./helpers/snapshot.js";
import { EXAMPLE, ecdsaSpec } from "./helpers/specs.js";




const flow = suite("generate: the example flow");

flow("should write the contract's tree for the example and leave it byte for byte unchanged on a re-run", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const first = await cli("generate", EXAMPLE, "--out", out);
    assert.is(first.code, 0, first.err);
    const snap = snapshot(out);
    for (const f of [
      ".gitignore", "manifest.json", "pki/ca.pem", "pki/ca-key.pem", "pki/kube-controller-manager-idc-k8s-01.pem", "pki/kube-controller-manager-idc-k8s-01-key.pem",
      "pki/kube-controller-manager-idc-k8s-03.pem",
      "nodes/idc-k8s-01/install.sh", "nodes/idc-k8s-01/SHA256SUMS",
      "nodes/idc-k8s-01/rootfs/etc/kubernetes/cert/ca.pem", "nodes/idc-k8s-01/rootfs/etc/kubernetes/cert/ca-key.pem",
      "nodes/idc-k8s-01/rootfs/etc/kubernetes/cert/kube-controller-manager.pem", "nodes/idc-k8s-01/rootfs/etc/kubernetes/cert/kube-controller-manager-key.pem",
      "nodes/idc-k8s-01/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig", "nodes/idc-k8s-01/rootfs/etc/systemd/system/kube-controller-manager.service",
      "bundles/idc-k8s-01.tar.gz", "bundles/idc-k8s-02.tar.gz", "bundles/idc-k8s-03.tar.gz",
    ]) assert.ok(snap[f], `${f} missing`);
    const mode = (f: string) => snap[f]!.split(" ")[0];
    assert.is(snap["pki/"], "700");
    assert.is(mode("pki/ca-key.pem"), "600");
    assert.is(mode("pki/ca.pem"), "644");
    assert.is(mode("nodes/idc-k8s-02/install.sh"), "755");
    assert.is(mode("nodes/idc-k8s-02/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig"), "600");
    assert.is(mode("nodes/idc-k8s-02/rootfs/etc/kubernetes/cert/kube-controller-manager-key.pem"), "600");
    assert.is(mode("nodes/idc-k8s-02/rootfs/etc/systemd/system/kube-controller-manager.service"), "644");
    assert.is(mode("bundles/idc-k8s-02.tar.gz"), "600");
    assert.is(mode("nodes/idc-k8s-02/rootfs/data/k8s/k8s/kube-controller-manager/verify.sh"), "755");
    assert.is(snap["admin/"], "700");
    assert.is(mode("admin/admin-key.pem"), "600");
    assert.is(mode("admin/admin.kubeconfig"), "600");
    assert.is(mode("admin/admin.pem"), "644");
    assert.is(snap["admin/ca.pem"], snap["pki/ca.pem"], "admin/ca.pem is the cluster CA, so inspect can chain admin.pem");
    assert.is(mode("check-ha.sh"), "755");
    const adminCert = readFileSync(path.join(out, "admin/admin.pem"));
    for (const f of Object.keys(snap).filter((k) => k.startsWith("nodes/") && !k.endsWith("/"))) {
      assert.not.ok(readFileSync(path.join(out, f)).equals(adminCert), `${f} is the admin certificate`);
      assert.not.match(f, /admin/, `${f}: admin credentials never go into a node bundle`);
    }
    assert.match(first.out, /idc-k8s-01\s+new\s+41\/41\s+bundles\/idc-k8s-01\.tar\.gz\s+\d+\s+[0-9a-f]{64}/);
    assert.match(first.out, /kube-controller-manager@idc-k8s-01\s+issued/);

    const second = await cli("generate", EXAMPLE, "--out", out);
    assert.is(second.code, 0, second.err);
    assert.match(second.out, /no changes/);
    assert.equal(snapshot(out), snap);
    // The slow path (no fast path: a manifest edit invalidates it) must agree byte for byte too.
    const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    m.inputs.digest = "stale";
    writeFileSync(path.join(out, "manifest.json"), `${JSON.stringify(m, null, 2)}\n`);
    const third = await cli("generate", EXAMPLE, "--out", out);
    assert.is(third.code, 0, third.err);
    assert.match(third.out, /ca\s+reused/);
    assert.match(third.out, /kube-controller-manager@idc-k8s-01\s+reused/);
    assert.equal(snapshot(out), snap);
  });
});

flow.run();

const tar = suite("generate: tarballs");

tar("should hold one top folder per node, root-owned, fixed mtime, the contract's modes, same tree as nodes/<node>/", async () => {
  if (!needTool("tar", "listing and unpacking tarballs")) return;
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    for (const node of ["idc-k8s-01", "idc-k8s-02", "idc-k8s-03"]) {
      const file = path.join(out, "bundles", `${node}.tar.gz`);
      const rows = run("tar", ["--utc", "--numeric-owner", "-tvzf", file]).trim().split("\n").map((l) => l.split(/\s+/));
      const names = rows.map((r) => r[5]!);
      assert.equal(names, [...names].sort(), "entries sorted by path");
      for (const r of rows) {
        assert.ok(r[5]!.startsWith(`${node}/`), `${r[5]} under ${node}/`);
        assert.is(r[1], "0/0");
        assert.is(`${r[3]} ${r[4]}`, "2000-01-01 00:00");
      }
      const modeOf = (suffix: string) => rows.find((r) => r[5]!.endsWith(suffix))![0];
      assert.is(modeOf("/install.sh"), "-rwxr-xr-x");
      assert.is(modeOf("/kube-controller-manager-key.pem"), "-rw-------");
      assert.is(modeOf("/ca-key.pem"), "-rw-------");
      assert.is(modeOf(".kubeconfig"), "-rw-------");
      assert.is(modeOf(".service"), "-rw-r--r--");
      assert.is(modeOf("/SHA256SUMS"), "-rw-r--r--");
      const unpack = path.join(t.dir, `unpack-${node}`);
      mkdirSync(unpack);
      run("tar", ["-xzf", file, "-C", unpack]);
      assert.equal(snapshot(path.join(unpack, node)), snapshot(path.join(out, "nodes", node)), `${node}: tarball = nodes/${node}/`);
      run("sha256sum", ["-c", "--quiet", "SHA256SUMS"], { cwd: path.join(unpack, node) });
    }
  });
});

tar("should give byte-identical out/ in two fresh folders sharing pki/, with SOURCE_DATE_EPOCH", async () => {
  const t = tmp();
  const saved = process.env.SOURCE_DATE_EPOCH;
  process.env.SOURCE_DATE_EPOCH = "1700000000";
  try {
    const spec = ecdsaSpec(t.dir);
    const a = path.join(t.dir, "a");
    const b = path.join(t.dir, "b");
    assert.is((await cli("generate", spec, "--out", a, "--quiet")).code, 0);
    mkdirSync(b);
    cpSync(path.join(a, "pki"), path.join(b, "pki"), { recursive: true });
    const r = await cli("generate", spec, "--out", b, "--force", "--quiet");
    assert.is(r.code, 0, r.err);
    assert.equal(snapshot(b), snapshot(a));
    if (needTool("tar", "reading entry mtimes")) {
      const line = run("tar", ["--utc", "-tvzf", path.join(b, "bundles/idc-k8s-01.tar.gz")]).split("\n")[0]!;
      assert.match(line, /2023-11-14 22:13/);
    }
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
    t.cleanup();
  }
});

tar.run();

const change = suite("generate: changes");

change("should re-issue only the moved node's certificates when a node IP changes, say why, and keep the CA and every other bundle", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    // The kube-* components only: etcd's --initial-cluster names every node, so its unit changes on every node
    // (test/e2e/etcd-cluster.test.ts checks that).
    const kubeOnly = (s: { components?: string[] }) => (s.components = ["kube-controller-manager", "kube-scheduler"]);
    assert.is((await cli("generate", ecdsaSpec(t.dir, kubeOnly), "--out", out, "--quiet")).code, 0);
    const before = snapshot(out);
    const r = await cli("generate", ecdsaSpec(t.dir, (s) => (kubeOnly(s), (s.nodes[2].ip = "103.172.239.72"))), "--out", out);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /kube-controller-manager@idc-k8s-03\s+issued\s+.*103\.172\.239\.72/);
    assert.match(r.out, /kube-controller-manager@idc-k8s-01\s+reused/);
    assert.match(r.out, /ca\s+reused/);
    // The moved node: each component's certificate, key and kubeconfig, unit (--bind-address) and verify.sh, then
    // install.sh and SHA256SUMS; the scheduler's configuration names no node IP from 1.23.
    assert.match(r.out, /kube-scheduler@idc-k8s-03\s+issued\s+.*103\.172\.239\.72/);
    assert.match(r.out, /idc-k8s-03\s+changed\s+12\/16/);
    assert.match(r.out, /idc-k8s-01\s+unchanged\s+0\/16/);
    const after = snapshot(out);
    for (const f of ["pki/ca.pem", "pki/ca-key.pem", "pki/kube-controller-manager-idc-k8s-01.pem", "pki/kube-controller-manager-idc-k8s-02-key.pem"]) assert.is(after[f], before[f], f);
    assert.is.not(after["pki/kube-controller-manager-idc-k8s-03.pem"], before["pki/kube-controller-manager-idc-k8s-03.pem"]);
    for (const node of ["idc-k8s-01", "idc-k8s-02"]) {
      const mine = (snap: Record<string, string>) => Object.entries(snap).filter(([p]) => p.startsWith(`nodes/${node}/`) || p === `bundles/${node}.tar.gz`);
      assert.equal(mine(after), mine(before), `${node}: every file and the bundle byte-identical`);
    }
  });
});

change("should remove the admin files of a component no longer generated (recorded in manifest.json outputs), and refuse an outputs path outside admin/ or ansible/", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    for (const f of ["admin/apiserver-rbac.yaml", "admin/etcd/ca.pem", "ansible/site.yml", "check-ha.sh"]) assert.ok(existsSync(path.join(out, f)), f);
    const outputs = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")).outputs as string[];
    assert.ok(outputs.includes("admin/apiserver-rbac.yaml") && outputs.includes("check-ha.sh"));
    writeFileSync(path.join(out, "admin", "mine.txt"), "the user's own file\n");
    const kubeOnly = ecdsaSpec(t.dir, (s) => (s.components = ["kube-controller-manager", "kube-scheduler"]));
    const r = await cli("generate", kubeOnly, "--out", out, "--quiet");
    assert.is(r.code, 0, r.err);
    for (const f of ["admin/apiserver-rbac.yaml", "admin/etcd/ca.pem", "admin/etcd/healthcheck-client-key.pem"]) assert.not.ok(existsSync(path.join(out, f)), `${f} removed`);
    for (const f of ["admin/admin.kubeconfig", "check-ha.sh", "ansible/site.yml", "admin/mine.txt"]) assert.ok(existsSync(path.join(out, f)), `${f} kept`);
    // A hand-edited outputs path that would reach outside admin/ and ansible/ is refused before anything is written.
    const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    m.outputs = [...m.outputs, "admin/../pki/ca-key.pem"];
    writeFileSync(path.join(out, "manifest.json"), JSON.stringify(m, null, 2));
    const before = snapshot(out);
    const bad = await cli("generate", kubeOnly, "--out", out, "--quiet");
    assert.is(bad.code, 2, bad.err);
    assert.match(bad.err, /\/outputs\/\d+: "admin\/\.\.\/pki\/ca-key\.pem" is not a path under admin\/ or ansible\//);
    assert.equal(snapshot(out), before);
  });
});

change("should leave every other node's bundle byte-identical when a node is added or removed, and drop a removed node's certificate", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    // The kube-* components only: etcd's --initial-cluster names every node (test/e2e/etcd-cluster.test.ts).
    const kubeOnly = (s: { components?: string[] }) => (s.components = ["kube-controller-manager", "kube-scheduler"]);
    assert.is((await cli("generate", ecdsaSpec(t.dir, kubeOnly), "--out", out, "--quiet")).code, 0);
    const mine = (snap: Record<string, string>, node: string) => Object.entries(snap).filter(([p]) => p.startsWith(`nodes/${node}/`) || p === `bundles/${node}.tar.gz`);
    const before = snapshot(out);
    const added = await cli("generate", ecdsaSpec(t.dir, (s) => (kubeOnly(s), s.nodes.push({ name: "idc-k8s-04", ip: "103.172.239.80" }))), "--out", out);
    assert.is(added.code, 0, added.err);
    assert.match(added.out, /kube-controller-manager@idc-k8s-04\s+issued/);
    const withFour = snapshot(out);
    assert.ok(withFour["bundles/idc-k8s-04.tar.gz"]);
    for (const node of ["idc-k8s-01", "idc-k8s-02", "idc-k8s-03"]) assert.equal(mine(withFour, node), mine(before, node), `${node} unchanged when a node is added`);
    const removed = await cli("generate", ecdsaSpec(t.dir, (s) => (kubeOnly(s), s.nodes.splice(0, 1))), "--out", out);
    assert.is(removed.code, 0, removed.err);
    assert.match(removed.out, /kube-controller-manager-idc-k8s-01\s+dropped/);
    const withTwo = snapshot(out);
    assert.is(withTwo["pki/kube-controller-manager-idc-k8s-01.pem"], undefined);
    assert.is(withTwo["bundles/idc-k8s-01.tar.gz"], undefined);
    for (const node of ["idc-k8s-02", "idc-k8s-03"]) assert.equal(mine(withTwo, node), mine(before, node), `${node} unchanged when a node is removed`);
  });
});

change("should take over an out/ of the layout with one shared kube-controller-manager certificate: the CA kept, per-node certificates issued, the shared one dropped", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const spec = ecdsaSpec(t.dir);
    assert.is((await cli("generate", spec, "--out", out, "--quiet")).code, 0);
    const ca = readFileSync(path.join(out, "pki/ca.pem"));
    // The previous layout: one kube-controller-manager pair in out/pki for every node.
    for (const part of ["", "-key"]) writeFileSync(path.join(out, `pki/kube-controller-manager${part}.pem`), readFileSync(path.join(out, `pki/kube-controller-manager-idc-k8s-01${part}.pem`)));
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    const one = manifest.certificates.find((c: any) => c.id === "kube-controller-manager@idc-k8s-01");
    manifest.certificates.push({ ...one, id: "kube-controller-manager", file: "kube-controller-manager.pem" });
    writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest, null, 2));
    const r = await cli("generate", spec, "--out", out);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /kube-controller-manager\s+dropped\s+out\/pki\/kube-controller-manager\.pem and kube-controller-manager-key\.pem belong to no certificate/);
    assert.ok(!existsSync(path.join(out, "pki/kube-controller-manager.pem")));
    assert.equal(readFileSync(path.join(out, "pki/ca.pem")), ca, "the same CA");
  });
});

change("should remove a dropped node's folder and bundle, and nothing the user put in out/", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    writeFileSync(path.join(out, "README.md"), "ours");
    const r = await cli("generate", ecdsaSpec(t.dir, (s) => s.nodes.pop()), "--out", out);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /idc-k8s-03\s+removed/);
    assert.not.ok(existsSync(path.join(out, "nodes/idc-k8s-03")));
    assert.not.ok(existsSync(path.join(out, "bundles/idc-k8s-03.tar.gz")));
    assert.is(readFileSync(path.join(out, "README.md"), "utf8"), "ours");
  });
});

change("should keep the user's own files inside pki/, nodes/ and bundles/, and drop only what kubebundle wrote", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    writeFileSync(path.join(out, "pki/site-root.pem"), "mine");
    writeFileSync(path.join(out, "nodes/idc-k8s-03/NOTES"), "mine");
    writeFileSync(path.join(out, "bundles/README"), "mine");
    const r = await cli("generate", ecdsaSpec(t.dir, (s) => s.nodes.pop()), "--out", out, "--json");
    assert.is(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.not.ok(report.diff.removed.some((p: string) => /site-root|NOTES|README/.test(p)), "the user's files are not reported removed");
    for (const f of ["pki/site-root.pem", "nodes/idc-k8s-03/NOTES", "bundles/README"]) assert.is(readFileSync(path.join(out, f), "utf8"), "mine", f);
    assert.not.ok(existsSync(path.join(out, "nodes/idc-k8s-03/install.sh")), "the dropped node's own files are gone");
    assert.not.ok(existsSync(path.join(out, "bundles/idc-k8s-03.tar.gz")));
  });
});

change("should repeat the spec's warnings on a no-change re-run", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const spec = ecdsaSpec(t.dir, (s) => s.nodes.splice(1));
    const first = await cli("generate", spec, "--out", out, "--quiet");
    assert.match(first.err, /cluster\.json:\d+:\d+: \/nodes: warning: only one node/);
    const second = await cli("generate", spec, "--out", out);
    assert.match(second.out, /no changes/);
    assert.is(second.err, first.err);
  });
});

change("should write out/ beside the spec by default, wherever it runs from, and find its state there on the next run", async () => {
  await withTmp(async (t) => {
    const site = path.join(t.dir, "site");
    mkdirSync(site);
    const spec = ecdsaSpec(site);
    const inCwd = existsSync(path.join(process.cwd(), "out", "manifest.json")) ? readFileSync(path.join(process.cwd(), "out", "manifest.json")) : null;
    const first = await cli("generate", spec, "--quiet");
    assert.is(first.code, 0, first.err);
    assert.ok(existsSync(path.join(site, "out", "manifest.json")), "out/ beside the spec");
    const ca = readFileSync(path.join(site, "out", "pki", "ca.pem"));
    const cwdNow = existsSync(path.join(process.cwd(), "out", "manifest.json")) ? readFileSync(path.join(process.cwd(), "out", "manifest.json")) : null;
    assert.equal(cwdNow, inCwd, "the current folder's out/ is not touched");
    const again = await cli("generate", spec, "--json");
    assert.is(again.code, 0, again.err);
    assert.is(JSON.parse(again.out).changed, false);
    assert.equal(readFileSync(path.join(site, "out", "pki", "ca.pem")), ca, "the same CA");
  });
});

change("should refuse a non-empty folder it did not write unless --force", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    mkdirSync(out);
    writeFileSync(path.join(out, "precious.txt"), "x");
    const r = await cli("generate", ecdsaSpec(t.dir), "--out", out);
    assert.is(r.code, 2);
    assert.match(r.err, /not empty and holds no kubebundle manifest\.json/);
    assert.equal(readdirSync(out), ["precious.txt"]);
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--force", "--quiet")).code, 0);
    assert.is(readFileSync(path.join(out, "precious.txt"), "utf8"), "x");
  });
});

change("should print a JSON report with --json and nothing with --quiet", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const q = await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet");
    assert.is(q.code, 0);
    assert.is(q.out, "");
    const j = await cli("generate", ecdsaSpec(t.dir), "--out", out, "--json");
    const report = JSON.parse(j.out);
    assert.is(report.changed, false);
    assert.equal(report.nodes.map((n: any) => n.status), ["unchanged", "unchanged", "unchanged"]);
  });
});

change.run();

const manifest = suite("generate: manifest and .gitignore");

manifest("should list every file and certificate, and hold no secret", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    const text = readFileSync(path.join(out, "manifest.json"), "utf8");
    assert.not.match(text, /PRIVATE KEY|client-key-data|BEGIN/);
    const m = JSON.parse(text);
    assert.is(m.generator, "kubebundle");
    assert.match(m.version, /^\d+\.\d+\.\d+/);
    assert.is(m.spec.sha256, createHash("sha256").update(readFileSync(path.join(t.dir, "cluster.json"))).digest("hex"));
    // One certificate per node, naming that node's IP only.
    const kcm = m.certificates.find((c: any) => c.id === "kube-controller-manager@idc-k8s-02");
    assert.equal([...kcm.sans].sort(), ["103.172.238.94", "127.0.0.1"]);
    assert.equal(m.certificates.filter((c: any) => c.id.startsWith("kube-controller-manager@")).length, 3);
    for (const k of ["subject", "issuer", "serial", "notBefore", "notAfter", "keyType"]) assert.ok(kcm[k], `certificate ${k}`);
    assert.match(kcm.subject, /CN=system:kube-controller-manager/);
    for (const n of m.nodes) {
      for (const f of n.files) {
        const disk = path.join(out, "nodes", n.name, f.path);
        assert.is(f.sha256, createHash("sha256").update(readFileSync(disk)).digest("hex"), f.path);
        assert.is(f.mode, `0${(statSync(disk).mode & 0o777).toString(8)}`, f.path);
        assert.is(f.size, statSync(disk).size);
      }
      assert.is(n.bundle.sha256, createHash("sha256").update(readFileSync(path.join(out, n.bundle.file))).digest("hex"));
    }
  });
});

manifest("should make git ignore every key and secret, kubeconfig, encryption configuration and tarball, and nothing else", async () => {
  if (!needTool("git", "git check-ignore")) return;
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    run("git", ["init", "-q", t.dir]);
    const files = Object.keys(snapshot(out)).filter((f) => !f.endsWith("/"));
    const ignored = new Set(run("git", ["check-ignore", "--no-index", ...files.map((f) => `out/${f}`)], { cwd: t.dir }).trim().split("\n").map((f) => f.slice(4)));
    for (const f of files) {
      const secret = /-key\.pem$|\.key$|\.kubeconfig$|\/encryption-config\.yaml$|\.tar\.gz$|^admin\//.test(f);
      assert.is(ignored.has(f), secret, `${f} ${secret ? "must" : "must not"} be ignored`);
    }
    for (const f of files.filter((x) => !ignored.has(x))) {
      const text = readFileSync(path.join(out, f), "utf8");
      assert.not.match(text, /PRIVATE KEY/, `${f} is committed and holds a key`);
      assert.not.match(text, /EncryptionConfiguration/, `${f} is committed and holds the encryption key`);
    }
    for (const s of ["pki/encryption.key", "pki/sa.key"]) assert.ok(files.includes(s) && ignored.has(s), s);
  });
});

manifest.run();

const atomic = suite("generate: failures leave out/ as it was");

atomic("should leave out/ untouched on a broken spec and on a bad CA (exit 2)", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    const before = snapshot(out);
    const broken = path.join(t.dir, "broken.json");
    writeFileSync(broken, '{"nodes": [}');
    const r1 = await cli("generate", broken, "--out", out);
    assert.is(r1.code, 2);
    assert.match(r1.err, /broken\.json:1:\d+: JSON syntax error/);
    writeFileSync(path.join(t.dir, "bad-ca.pem"), "not a certificate\n");
    writeFileSync(path.join(t.dir, "bad-ca-key.pem"), "not a key\n");
    const badCa = ecdsaSpec(t.dir, (s) => (s.pki.ca = { certFile: "bad-ca.pem", keyFile: "bad-ca-key.pem" }));
    const r2 = await cli("generate", badCa, "--out", out);
    assert.is(r2.code, 2, r2.err);
    assert.match(r2.err, /bad-ca/);
    assert.equal(snapshot(out), before);
    assert.equal(readdirSync(t.dir).filter((n) => n.startsWith(".out.")), [], "no scratch folder left");
  });
});

atomic("should leave out/ untouched when the process is killed part-way", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const spec = ecdsaSpec(t.dir);
    assert.is((await cli("generate", spec, "--out", out, "--quiet")).code, 0);
    const before = snapshot(out);
    // A changed spec with RSA-4096 keys: key generation takes long enough to kill the run inside it.
    const slow = ecdsaSpec(t.dir, (s) => {
      s.pki.key = { algo: "rsa", size: 4096 };
      s.nodes[0].ip = "103.172.239.10";
    });
    const child = spawn(process.execPath, [path.join(ROOT, "dist/bin/kubebundle.js"), "generate", slow, "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        if (/validated/.test(d.toString())) setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 50);
      });
      child.on("exit", () => resolve());
    });
    await new Promise((r) => child.on("close", r));
    assert.is(child.signalCode, "SIGKILL", "the run was killed before it finished");
    assert.equal(snapshot(out), before);
    // The next run cleans up whatever the killed one left beside out/.
    assert.is((await cli("generate", spec, "--out", out, "--quiet")).code, 0);
    assert.equal(readdirSync(t.dir).filter((n) => n.startsWith(".out.")), []);
  });
});

for (const [sig, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  atomic(`should stop on ${sig} with exit ${status}, out/ as it was and nothing left beside it`, async () => {
    await withTmp(async (t) => {
      const out = path.join(t.dir, "out");
      assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
      const before = snapshot(out);
      const slow = ecdsaSpec(t.dir, (s) => {
        s.pki.key = { algo: "rsa", size: 4096 };
      });
      const child = spawn(process.execPath, [path.join(ROOT, "dist/bin/kubebundle.js"), "generate", slow, "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout.on("data", (d: Buffer) => {
        if (/validated/.test(d.toString())) setTimeout(() => child.kill(sig), 50);
      });
      const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      assert.is(code, status, err);
      assert.match(err, new RegExp(`interrupted \\(${sig}\\); .* left as it was`));
      assert.equal(snapshot(out), before);
      assert.equal(readdirSync(t.dir).filter((n) => n.startsWith(".out.")), [], "no scratch folder or lock left");
    });
  });
}

atomic.run();

