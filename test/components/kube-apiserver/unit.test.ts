// kube-apiserver's unit as `generate` writes it into node 1's bundle: goldens by release (the guide's spec with
// kubernetesVersion changed), the release rules read back from ExecStart, --etcd-servers of every node, the front proxy's
// CA on every kube-* unit, and the service-account key pair by trust layout. systemd-analyze verify of every registry
// row's unit, each release, is test/render/unit.test.ts ("rendered units under systemd").
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { golden } from "../../helpers/golden.js";
import { NODES, filesUnder, generated, tarModes } from "../../helpers/bundle.js";
import { flagsOf, parseUnit } from "../../helpers/unit-file.js";
import { needTool, withTmp } from "../../helpers/tools.js";

const UNIT = "/etc/systemd/system/kube-apiserver.service";
const unitOf = (id: string) => `/etc/systemd/system/${id}.service`;
const CERT = "/etc/kubernetes/cert";

const byRelease = suite("kube-apiserver unit by release (generated)");

for (const version of ["1.16.6", "1.19.0", "1.20.0", "1.22.0", "1.24.0", "1.25.0", "1.37.0"]) {
  const minor = Number(version.split(".")[1]);
  byRelease(`${version}: golden of node 1's unit, and the release's rules read back from its ExecStart`, async () => {
    await withTmp(async (t) => {
      const g = await generated(t.dir, (s) => (s.kubernetesVersion = version));
      const text = g.read("idc-k8s-01", UNIT);
      golden(`test/golden/components/kube-apiserver/${version}.service`, text);
      const f = flagsOf(text);
      const has = (flag: string, want: boolean, why: string) => assert.is(f.has(flag), want, `--${flag} ${want ? "present" : "absent"} at ${version} (${why})`);
      assert.is(f.get("insecure-port"), minor <= 19 ? "0" : undefined, `--insecure-port=0 up to 1.19, nothing from 1.20 (${version})`);
      has("kubelet-https", minor <= 18, "up to 1.18");
      has("apiserver-count", minor <= 23, "up to 1.23");
      has("default-watch-cache-size", minor <= 24, "up to 1.24");
      assert.is(f.get("service-account-signing-key-file"), minor >= 20 ? `${CERT}/sa.key` : undefined, version);
      assert.is(f.get("service-account-issuer"), minor >= 20 ? "https://kubernetes.default.svc.cluster.local" : undefined, version);
      assert.is(f.get("service-account-key-file"), `${CERT}/sa.pub`);
      for (const flag of ["audit-dynamic-configuration", "runtime-config", "feature-gates"]) has(flag, false, "never by default");
      assert.not.match(text, /DynamicAuditing/);
      const unit = parseUnit(text);
      assert.equal(unit.settings["Service.Type"], ["notify"]);
      assert.equal(unit.settings["Service.LimitNOFILE"], ["65536"]);
      assert.is(unit.argv[0], "/opt/k8s/bin/kube-apiserver");
      // Every node: its own address, every etcd member, the front proxy's CA on each kube-* unit.
      const members = NODES.map((n) => `https://${n.ip}:2379`).join(",");
      for (const n of NODES) {
        const mine = flagsOf(g.read(n.name, UNIT));
        assert.is(mine.get("etcd-servers"), members, n.name);
        assert.is(mine.get("advertise-address"), n.ip);
        for (const id of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
          const k = flagsOf(g.read(n.name, unitOf(id)));
          assert.is(k.get("requestheader-allowed-names"), "front-proxy-client", `${id} on ${n.name}`);
          assert.is(k.get("requestheader-client-ca-file"), `${CERT}/front-proxy-ca.pem`, `${id} on ${n.name}`);
        }
        assert.is(g.read(n.name, `${CERT}/front-proxy-ca.pem`), readFileSync(g.pki("front-proxy-ca.pem"), "utf8"), "the front proxy's CA, not the cluster CA");
        assert.is.not(g.read(n.name, `${CERT}/front-proxy-ca.pem`), readFileSync(g.pki("ca.pem"), "utf8"));
      }
    });
  });
}

const wiring = suite("kube-apiserver unit: etcd members and service-account keys (generated)");

wiring("should list every node at etcd.clientPort in --etcd-servers, the port etcd's own unit serves clients on", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.etcd = { clientPort: 12379 })));
    for (const n of NODES) {
      assert.is(flagsOf(g.read(n.name, UNIT)).get("etcd-servers"), NODES.map((m) => `https://${m.ip}:12379`).join(","), n.name);
      assert.ok(flagsOf(g.read(n.name, unitOf("etcd"))).get("advertise-client-urls")!.split(",").includes(`https://${n.ip}:12379`), `etcd on ${n.name}`);
    }
  });
});

wiring("should sign tokens with sa.key under separate trust: kube-controller-manager's private key, kube-apiserver's pair, the same bytes as out/pki", async () => {
  await withTmp(async (t) => {
    const g = await generated(t.dir, (s) => (s.kubernetesVersion = "1.36.0"));
    for (const n of NODES) {
      const kcm = flagsOf(g.read(n.name, unitOf("kube-controller-manager")));
      const kas = flagsOf(g.read(n.name, UNIT));
      assert.is(kcm.get("service-account-private-key-file"), `${CERT}/sa.key`);
      assert.is(kas.get("service-account-key-file"), `${CERT}/sa.pub`);
      assert.is(kas.get("service-account-signing-key-file"), `${CERT}/sa.key`);
      assert.is(g.read(n.name, `${CERT}/sa.key`), readFileSync(g.pki("sa.key"), "utf8"));
      assert.is(g.read(n.name, `${CERT}/sa.pub`), readFileSync(g.pki("sa.pub"), "utf8"));
    }
  });
});

wiring("should sign tokens with the CA key under single trust (certDir moved): ca-key.pem and ca.pem, no sa.key or sa.pub in any bundle", async () => {
  await withTmp(async (t) => {
    const certDir = "/srv/k8s/pki";
    const g = await generated(t.dir, (s) => ((s.kubernetesVersion = "1.36.0"), (s.pki.trust = "single"), (s.paths.certDir = certDir)));
    for (const n of NODES) {
      const kcm = flagsOf(g.read(n.name, unitOf("kube-controller-manager")));
      const kas = flagsOf(g.read(n.name, UNIT));
      assert.is(kcm.get("service-account-private-key-file"), `${certDir}/ca-key.pem`);
      assert.is(kas.get("service-account-key-file"), `${certDir}/ca.pem`);
      assert.is(kas.get("service-account-signing-key-file"), `${certDir}/ca-key.pem`);
      for (const id of ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]) {
        assert.is(flagsOf(g.read(n.name, unitOf(id))).get("requestheader-client-ca-file"), `${certDir}/front-proxy-ca.pem`, id);
      }
      assert.is(g.read(n.name, `${certDir}/front-proxy-ca.pem`), readFileSync(g.pki("ca.pem"), "utf8"), "one CA: the front proxy's is the cluster CA");
      const files = filesUnder(path.join(g.out, "nodes", n.name));
      assert.equal(files.filter((f) => /(^|\/)sa\.(key|pub)$/.test(f)), [], `${n.name}: no service-account pair`);
      assert.ok(existsSync(g.node(n.name, `${certDir}/ca-key.pem`)));
      if (needTool("tar", "listing the tarball")) {
        const entries = [...tarModes(path.join(g.out, "bundles", `${n.name}.tar.gz`)).keys()];
        assert.equal(entries.filter((e) => /\/sa\.(key|pub)$/.test(e)), [], `${n.name}.tar.gz: no service-account pair`);
        assert.ok(entries.includes(`${n.name}/rootfs${certDir}/ca-key.pem`));
      }
    }
  });
});

byRelease.run();
wiring.run();
