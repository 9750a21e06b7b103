import { suite } from "uvu";
import * as assert from "uvu/assert";
import { X509Certificate } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readPkiDir, reconcilePki, type PkiFiles } from "../../src/pki/index.js";
import { tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps, NOW, brief } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);
const firstDeps = fixedDeps(NOW);
const first = await reconcilePki(example, new Map(), firstDeps);
const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

function saveTo(dir: string, files: PkiFiles): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
}

const fresh = suite("reconcilePki: first run");

fresh("should create the CA and issue every leaf, saying why, in table order", () => {
  assert.equal(brief(first), ["ca created missing", "kube-controller-manager issued missing", "admin issued missing"]);
  assert.match(first.events[0]!.detail, /^new rsa-2048 CA C=CN, .*CN=kubernetes-ca, valid until 2125-12-22T10:00:00Z \(36500 days left\)$/);
  assert.is(first.events[1]!.detail, "no kube-controller-manager-idc-k8s-01.pem yet");
  assert.equal(first.events.map((e) => e.id), ["ca", "kube-controller-manager@idc-k8s-01", "kube-controller-manager@idc-k8s-02", "kube-controller-manager@idc-k8s-03", "admin"]);
});

fresh("should generate exactly one key per row (the keys started ahead are the ones used), all different", () => {
  assert.is(firstDeps.counting.generated, 5);
  const keys = ["ca", "kube-controller-manager-idc-k8s-01", "kube-controller-manager-idc-k8s-02", "kube-controller-manager-idc-k8s-03", "admin"].map((n) => first.files.get(`${n}-key.pem`));
  assert.is(new Set(keys).size, 5);
});

fresh("should start every key it needs together, before the first certificate is issued", async () => {
  const deps = fixedDeps(NOW);
  const running = reconcilePki(example, new Map(), deps);
  assert.is(deps.counting.generated, 5, "all five keys asked for before reconcilePki first waits");
  await running;
  assert.is(deps.counting.generated, 5);
});

fresh("should return every PEM as files, certs by id, and summaries", () => {
  const kcm3 = ["idc-k8s-01", "idc-k8s-02", "idc-k8s-03"];
  assert.equal([...first.files.keys()], ["ca", ...kcm3.map((n) => `kube-controller-manager-${n}`), "admin"].flatMap((b) => [`${b}.pem`, `${b}-key.pem`]));
  assert.equal(Object.keys(first.certs), ["ca", ...kcm3.map((n) => `kube-controller-manager@${n}`), "admin"]);
  assert.is(first.certs["kube-controller-manager@idc-k8s-01"]!.cert, first.files.get("kube-controller-manager-idc-k8s-01.pem"));
  assert.is(first.certs.admin!.key, first.files.get("admin-key.pem"));
  const kcm = first.summaries[1]!;
  assert.equal(kcm, {
    id: "kube-controller-manager@idc-k8s-01",
    file: "kube-controller-manager-idc-k8s-01.pem",
    subject: "C=CN, ST=BeiJing, L=BeiJing, O=system:kube-controller-manager, OU=opsnull, CN=system:kube-controller-manager",
    sans: ["103.172.239.9", "127.0.0.1"],
    issuer: "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca",
    serial: "015a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a02",
    notBefore: "2026-01-15T09:55:00Z",
    notAfter: "2125-12-22T10:00:00Z",
    keyType: "rsa-2048",
  });
  const ca = new X509Certificate(first.certs.ca!.cert);
  for (const id of [...kcm3.map((n) => `kube-controller-manager@${n}`), "admin"]) assert.ok(new X509Certificate(first.certs[id]!.cert).verify(ca.publicKey), id);
});

const rerun = suite("reconcilePki: re-runs");

rerun("should reuse everything on an unchanged second run, byte for byte, without generating a key", async () => {
  const deps = fixedDeps(later(1));
  const again = await reconcilePki(example, first.files, deps);
  assert.equal(brief(again), ["ca reused", "kube-controller-manager reused", "admin reused"]);
  assert.is(deps.counting.generated, 0);
  assert.equal([...again.files], [...first.files]);
  assert.equal(again.summaries, first.summaries);
  assert.match(again.events[1]!.detail, /^valid until 2125-12-22T10:00:00Z \(36499 days left\)$/);
});

rerun("should reuse what readPkiDir reads back from disk", async () => {
  const dir = path.join(t.dir, "pki-disk");
  saveTo(dir, first.files);
  const read = readPkiDir(dir);
  assert.equal([...read.keys()].sort(), [...first.files.keys()].sort());
  const deps = fixedDeps(later(1));
  const again = await reconcilePki(example, read, deps);
  assert.equal(brief(again), ["ca reused", "kube-controller-manager reused", "admin reused"]);
  assert.is(deps.counting.generated, 0);
});

rerun.after(() => t.cleanup());
fresh.run();
rerun.run();
