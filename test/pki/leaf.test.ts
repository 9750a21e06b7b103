import { suite } from "uvu";
import * as assert from "uvu/assert";
import { reconcilePki, type PkiFiles } from "../../src/pki/index.js";
import { tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps, NOW, brief } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);
const first = await reconcilePki(example, new Map(), fixedDeps(NOW));
const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const sameFiles = (a: PkiFiles, b: PkiFiles, names: string[]) => {
  for (const n of names) assert.is(a.get(n), b.get(n), `${n} should be unchanged`);
};

const changes = suite("resolveLeaf: the spec changed");

changes("should re-issue only the moved node's kube-controller-manager certificate when a node IP changes, and name the SANs", async () => {
  const moved = clusterFrom(t.dir, (s) => (s.nodes[2].ip = "10.0.0.4"));
  const deps = fixedDeps(later(1));
  const r = await reconcilePki(moved, first.files, deps);
  assert.equal(brief(r), [
    "ca reused",
    "kube-controller-manager@idc-k8s-01 reused",
    "kube-controller-manager@idc-k8s-02 reused",
    "kube-controller-manager@idc-k8s-03 issued sans-changed",
    "admin reused",
  ]);
  assert.is(r.events[3]!.detail, "SAN 10.0.0.4 added, SAN 103.172.239.71 removed");
  assert.is(deps.counting.generated, 1);
  const kept = ["ca", "admin", "kube-controller-manager-idc-k8s-01", "kube-controller-manager-idc-k8s-02"];
  sameFiles(r.files, first.files, kept.flatMap((b) => [`${b}.pem`, `${b}-key.pem`]));
  assert.is.not(r.files.get("kube-controller-manager-idc-k8s-03-key.pem"), first.files.get("kube-controller-manager-idc-k8s-03-key.pem"));
  assert.equal(r.summaries[3]!.sans, ["10.0.0.4", "127.0.0.1"]);
});

changes("should re-issue leaves whose subject changed (pki.names) and keep the CA", async () => {
  const renamed = clusterFrom(t.dir, (s) => (s.pki.names = [{ C: "DE", OU: "platform" }]));
  const r = await reconcilePki(renamed, first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued subject-changed", "admin issued subject-changed"]);
  assert.is(r.events[4]!.detail, "subject was C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=opsnull, CN=admin, now C=DE, O=system:masters, OU=platform, CN=admin");
});

const renew = suite("resolveLeaf: renewal");

const yearly = clusterFrom(t.dir, (s) => (s.pki.expiry = "8760h"));
const yearlyFirst = await reconcilePki(yearly, new Map(), fixedDeps(NOW));

renew("should reuse a certificate before its renewal window (last third of its life)", async () => {
  const r = await reconcilePki(yearly, yearlyFirst.files, fixedDeps(later(365 - 125)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager reused", "admin reused"]);
});

renew("should re-issue certificates inside the renewal window and say when they expire", async () => {
  const deps = fixedDeps(later(365 - 12));
  const r = await reconcilePki(yearly, yearlyFirst.files, deps);
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued expiring", "admin issued expiring"]);
  assert.is(r.events[1]!.detail, "expires in 12 days");
  assert.is(r.summaries[1]!.notAfter, "2028-01-03T10:00:00Z");
});

renew("should re-issue expired certificates", async () => {
  const r = await reconcilePki(yearly, yearlyFirst.files, fixedDeps(later(400)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued expired", "admin issued expired"]);
  assert.is(r.events[4]!.detail, "expired on 2027-01-15T10:00:00Z");
});

renew("should not re-issue on every run a certificate that already ends with its CA, and warn about the CA", async () => {
  const short = clusterFrom(t.dir, (s) => Object.assign(s.pki, { caExpiry: "8760h", expiry: "8760h" }));
  const made = await reconcilePki(short, new Map(), fixedDeps(NOW));
  const deps = fixedDeps(later(365 - 20));
  const r = await reconcilePki(short, made.files, deps);
  assert.equal(brief(r), ["ca reused", "kube-controller-manager reused", "admin reused"]);
  assert.is(deps.counting.generated, 0);
  assert.match(r.events[0]!.detail, /expires in 20 days: renew it deliberately; a CA is never replaced silently/);
});

const broken = suite("resolveLeaf: broken or foreign files");

broken("should issue a leaf whose key file is missing", async () => {
  const prev = new Map(first.files);
  prev.delete("kube-controller-manager-idc-k8s-01-key.pem");
  const r = await reconcilePki(example, prev, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager@idc-k8s-01 issued missing", "kube-controller-manager@idc-k8s-02 reused", "kube-controller-manager@idc-k8s-03 reused", "admin reused"]);
  assert.is(r.events[1]!.detail, "kube-controller-manager-idc-k8s-01-key.pem missing");
});

broken("should issue a leaf whose certificate cannot be parsed or whose key does not match", async () => {
  const prev = new Map(first.files);
  prev.set("kube-controller-manager-idc-k8s-01.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  prev.set("admin-key.pem", first.files.get("kube-controller-manager-idc-k8s-01-key.pem")!);
  const r = await reconcilePki(example, prev, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager@idc-k8s-01 issued unreadable", "kube-controller-manager@idc-k8s-02 reused", "kube-controller-manager@idc-k8s-03 reused", "admin issued unreadable"]);
  assert.match(r.events[1]!.detail, /^kube-controller-manager-idc-k8s-01\.pem cannot be parsed/);
  assert.is(r.events[4]!.detail, "admin-key.pem does not match admin.pem");
});

broken("should re-issue leaves signed by another CA than the one in out/pki/", async () => {
  const other = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.caCSR.CN = "other-ca")), new Map(), fixedDeps(NOW));
  const prev = new Map(first.files);
  prev.set("ca.pem", other.files.get("ca.pem")!);
  prev.set("ca-key.pem", other.files.get("ca-key.pem")!);
  const r = await reconcilePki(example, prev, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued ca-changed", "admin issued ca-changed"]);
  assert.match(r.events[1]!.detail, /^signed by another CA \(.*CN=kubernetes-ca\)$/);
});

broken.after(() => t.cleanup());
changes.run();
renew.run();
broken.run();
