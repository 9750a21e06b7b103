// The admin host's part of out/ as buildTree lays it out from the registry rows: etcd's health-check client and CA in
// out/admin/etcd/ (the very files verify.sh reads on the nodes), and kube-apiserver's RBAC manifest in out/admin/.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { withTmp } from "../helpers/tools.js";

const admin = suite("buildTree: out/admin/");

const read = (out: string, rel: string) => readFileSync(path.join(out, rel), "utf8");
const mode = (out: string, rel: string) => (statSync(path.join(out, rel)).mode & 0o777).toString(8);

/** generated: out/ of the example (ECDSA keys) with `edit`, written by `kubebundle generate`. */
async function generated(dir: string, edit: (s: any) => void): Promise<string> {
  const out = path.join(dir, "out");
  const r = await cli("generate", ecdsaSpec(dir, edit), "--out", out, "--quiet");
  assert.is(r.code, 0, r.err);
  return out;
}

const NODE_ETCD = "nodes/idc-k8s-01/rootfs/etc/kubernetes/cert/etcd";

admin("should copy etcd's health-check client and the CA its members trust, as each node's verify.sh has them", async () => {
  await withTmp(async (t) => {
    const out = await generated(t.dir, (s) => (s.components = ["etcd"]));
    assert.is(read(out, "admin/etcd/ca.pem"), read(out, "pki/etcd-ca.pem"), "separate trust: etcd-ca");
    assert.is(read(out, "admin/etcd/healthcheck-client.pem"), read(out, "pki/etcd-healthcheck-client.pem"));
    assert.is(read(out, "admin/etcd/healthcheck-client-key.pem"), read(out, "pki/etcd-healthcheck-client-key.pem"));
    assert.is(read(out, "admin/etcd/ca.pem"), read(out, `${NODE_ETCD}/ca.pem`));
    assert.is(read(out, "admin/etcd/healthcheck-client.pem"), read(out, `${NODE_ETCD}/healthcheck-client.pem`));
    assert.is(read(out, "admin/etcd/healthcheck-client-key.pem"), read(out, `${NODE_ETCD}/healthcheck-client-key.pem`));
    assert.equal(["ca.pem", "healthcheck-client.pem", "healthcheck-client-key.pem"].map((f) => mode(out, `admin/etcd/${f}`)), ["644", "644", "600"]);
    assert.not.ok(existsSync(path.join(out, "admin/apiserver-rbac.yaml")), "no kube-apiserver: no RBAC manifest");
  });
});

admin("should copy the cluster CA as etcd's under single trust, and nothing of etcd without it", async () => {
  await withTmp(async (t) => {
    const out = await generated(t.dir, (s) => {
      s.components = ["etcd"];
      s.pki.trust = "single";
    });
    assert.not.ok(existsSync(path.join(out, "pki/etcd-ca.pem")));
    assert.is(read(out, "admin/etcd/ca.pem"), read(out, "pki/ca.pem"));
    assert.is(read(out, "admin/etcd/ca.pem"), read(out, `${NODE_ETCD}/ca.pem`));
  });
  await withTmp(async (t) => {
    const out = await generated(t.dir, (s) => (s.components = ["kube-controller-manager"]));
    assert.not.ok(existsSync(path.join(out, "admin/etcd")), "no etcd: no out/admin/etcd/");
  });
});

admin("should write admin/apiserver-rbac.yaml 0644 with kube-apiserver, and leave it as it is on a re-run", async () => {
  await withTmp(async (t) => {
    const out = await generated(t.dir, (s) => (s.components = ["etcd", "kube-apiserver"]));
    assert.is(mode(out, "admin/apiserver-rbac.yaml"), "644");
    assert.is(mode(out, "admin"), "700");
    const before = read(out, "admin/apiserver-rbac.yaml");
    assert.match(before, "kind: ClusterRole\n");
    const again = await cli("generate", path.join(t.dir, "cluster.json"), "--out", out);
    assert.is(again.code, 0, again.err);
    assert.match(again.out, /no changes/);
    assert.is(read(out, "admin/apiserver-rbac.yaml"), before);
  });
});

admin.run();
