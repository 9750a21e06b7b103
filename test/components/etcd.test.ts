// etcd's row: the unit by etcd release (goldens for 3.4, 3.5, 3.6), the default release by Kubernetes release, the
// extraArgs rules by etcd release, the trust layouts' signers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadSpec } from "../../src/spec/load.js";
import { checkSpec } from "../../src/spec/load.js";
import { etcd } from "../../src/components/etcd/index.js";
import { renderUnit } from "../../src/render/unit.js";
import { certInstances } from "../../src/pki/certlist.js";
import { golden } from "../helpers/golden.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { withTmp } from "../helpers/tools.js";
import { readFileSync } from "node:fs";

for (const version of ["3.4", "3.5", "3.6"]) {
  test(`renders the etcd unit for etcd ${version} (golden)`, () => {
    withTmp((t) => {
      const { cluster } = loadSpec(ecdsaSpec(t.dir, (s) => (s.etcd = { version })));
      const unit = renderUnit(etcd, cluster, cluster.nodes[0]!);
      golden(`test/golden/components/etcd/etcd-${version}.service`, unit);
      assert.match(unit, /^Type=notify$/m);
      assert.match(unit, /^LimitNOFILE=65536$/m);
      assert.is(/--logger=zap/.test(unit), version === "3.4", "--logger=zap on 3.4 only");
      assert.not.match(unit, /http:\/\//, "no plain-HTTP listener");
      assert.not.match(unit, /force-new-cluster/);
    });
  });
}

test("defaults etcd.version from kubernetesVersion as kubeadm pairs them", () => {
  withTmp((t) => {
    for (const [kube, want] of [["1.16.6", "3.4"], ["1.21", "3.4"], ["1.22", "3.5"], ["1.33", "3.5"], ["1.34", "3.6"], ["1.37", "3.6"]] as const) {
      const { cluster } = loadSpec(ecdsaSpec(t.dir, (s) => (s.kubernetesVersion = kube)));
      assert.is(cluster.etcdVersion.text, want, kube);
    }
  });
});

test("refuses in etcd.extraArgs the flags the target etcd release removed, naming the release", () => {
  withTmp((t) => {
    const problems = (version: string, extraArgs: Record<string, string>) => {
      const file = ecdsaSpec(t.dir, (s) => (s.etcd = { version, extraArgs }));
      return checkSpec(readFileSync(file, "utf8"), file).problems.filter((p) => p.severity === "error");
    };
    assert.equal(problems("3.4", { "enable-v2": "false", debug: "true" }), []);
    const v35 = problems("3.5", { debug: "true", logger: "capnslog" });
    assert.equal(v35.map((p) => p.pointer).sort(), ["/etcd/extraArgs/debug", "/etcd/extraArgs/logger"]);
    assert.match(v35.find((p) => p.pointer.endsWith("debug"))!.message, /removed in etcd 3\.5 \(target 3\.5\)/);
    const v36 = problems("3.6", { "enable-v2": "false" });
    assert.match(v36[0]!.message, /--enable-v2 was removed in etcd 3\.6/);
    assert.match(problems("3.5", { "feature-gates": "InitialCorruptCheck=true" })[0]!.message, /does not exist before etcd 3\.6/);
    assert.match(problems("3.6", { "force-new-cluster": "true" })[0]!.message, /force-new-cluster=true is refused/);
  });
});

test("signs etcd's certificates with etcd-ca under separate trust, with the cluster CA under single trust", () => {
  withTmp((t) => {
    const separate = loadSpec(ecdsaSpec(t.dir)).cluster;
    const rows = certInstances(separate).filter((r) => r.component === "etcd");
    assert.is(rows.length, 7, "server and peer per node, the health-check client");
    assert.ok(rows.every((r) => r.caId === "etcd-ca"));
    assert.ok(certInstances(separate).some((r) => r.id === "etcd-ca"));
    // kube-apiserver's etcd client is etcd-ca's too, its front-proxy client front-proxy-ca's; every other kube-* row the cluster CA's.
    const signerOf = (id: string) => ({ "apiserver-etcd-client": "etcd-ca", "front-proxy-client": "front-proxy-ca" })[id] ?? "ca";
    for (const r of certInstances(separate).filter((r) => r.component && r.component !== "etcd")) assert.is(r.caId, signerOf(r.id.split("@")[0]!), r.id);
    const single = loadSpec(ecdsaSpec(t.dir, (s) => (s.pki.trust = "single"))).cluster;
    assert.not.ok(certInstances(single).some((r) => r.id === "etcd-ca"), "no etcd-ca under single trust");
    assert.ok(certInstances(single).filter((r) => r.component === "etcd").every((r) => r.caId === "ca"));
    const server = certInstances(separate).find((r) => r.id === `etcd-server@${separate.nodes[0]!.name}`)!;
    for (const h of [separate.nodes[0]!.name, "localhost", separate.nodes[0]!.ip, "127.0.0.1", "::1"]) assert.ok(server.hosts(separate).includes(h), h);
    assert.is(server.subject(separate).at(-1)![1], separate.nodes[0]!.name, "CN the node name");
  });
});

test.run();
