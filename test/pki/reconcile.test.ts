import { suite } from "uvu";
import * as assert from "uvu/assert";
import { X509Certificate } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { readPkiDir, reconcilePki, type PkiFiles, type PkiResult } from "../../src/pki/index.js";
import { tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps, NOW } from "./_support.js";

const t = tmp();
const example = clusterFrom(t.dir);
const firstDeps = fixedDeps(NOW);
const first = await reconcilePki(example, new Map(), firstDeps);
const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const brief = (r: PkiResult) => r.events.map((e) => `${e.id} ${e.action}${e.reason ? ` ${e.reason}` : ""}`);
const sameFiles = (a: PkiFiles, b: PkiFiles, names: string[]) => {
  for (const n of names) assert.is(a.get(n), b.get(n), `${n} should be unchanged`);
};

function saveTo(dir: string, files: PkiFiles): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
}

const fresh = suite("reconcilePki: first run");

fresh("should create the CA and issue every leaf, saying why, in table order", () => {
  assert.equal(brief(first), ["ca created missing", "kube-controller-manager issued missing", "admin issued missing"]);
  assert.match(first.events[0]!.detail, /^new rsa-2048 CA C=CN, .*CN=kubernetes-ca, valid until 2125-12-22T10:00:00Z \(36500 days left\)$/);
  assert.is(first.events[1]!.detail, "no kube-controller-manager.pem yet");
});

fresh("should generate exactly one key per row (the keys started ahead are the ones used), all different", () => {
  assert.is(firstDeps.counting.generated, 3);
  const keys = ["ca-key.pem", "kube-controller-manager-key.pem", "admin-key.pem"].map((n) => first.files.get(n));
  assert.is(new Set(keys).size, 3);
});

fresh("should start every key it needs together, before the first certificate is issued", async () => {
  const deps = fixedDeps(NOW);
  const running = reconcilePki(example, new Map(), deps);
  assert.is(deps.counting.generated, 3, "all three keys asked for before reconcilePki first waits");
  await running;
  assert.is(deps.counting.generated, 3);
});

fresh("should return every PEM as files, certs by id, and summaries", () => {
  assert.equal([...first.files.keys()], ["ca.pem", "ca-key.pem", "kube-controller-manager.pem", "kube-controller-manager-key.pem", "admin.pem", "admin-key.pem"]);
  assert.equal(Object.keys(first.certs), ["ca", "kube-controller-manager", "admin"]);
  assert.is(first.certs["kube-controller-manager"]!.cert, first.files.get("kube-controller-manager.pem"));
  assert.is(first.certs.admin!.key, first.files.get("admin-key.pem"));
  const kcm = first.summaries[1]!;
  assert.equal(kcm, {
    id: "kube-controller-manager",
    file: "kube-controller-manager.pem",
    subject: "C=CN, ST=BeiJing, L=BeiJing, O=system:kube-controller-manager, OU=opsnull, CN=system:kube-controller-manager",
    sans: ["103.172.238.94", "103.172.239.9", "103.172.239.71", "127.0.0.1"],
    issuer: "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca",
    serial: "015a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a02",
    notBefore: "2026-01-15T09:55:00Z",
    notAfter: "2125-12-22T10:00:00Z",
    keyType: "rsa-2048",
  });
  const ca = new X509Certificate(first.certs.ca!.cert);
  for (const id of ["kube-controller-manager", "admin"]) assert.ok(new X509Certificate(first.certs[id]!.cert).verify(ca.publicKey), id);
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

rerun("should re-issue only the kube-controller-manager certificate when a node IP changes, and name the SANs", async () => {
  const moved = clusterFrom(t.dir, (s) => (s.nodes[2].ip = "10.0.0.4"));
  const deps = fixedDeps(later(1));
  const r = await reconcilePki(moved, first.files, deps);
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued sans-changed", "admin reused"]);
  assert.is(r.events[1]!.detail, "SAN 10.0.0.4 added, SAN 103.172.239.71 removed");
  assert.is(deps.counting.generated, 1);
  sameFiles(r.files, first.files, ["ca.pem", "ca-key.pem", "admin.pem", "admin-key.pem"]);
  assert.is.not(r.files.get("kube-controller-manager-key.pem"), first.files.get("kube-controller-manager-key.pem"));
  assert.equal(r.summaries[1]!.sans, ["10.0.0.4", "103.172.238.94", "103.172.239.9", "127.0.0.1"]);
});

rerun("should re-issue leaves whose subject changed (pki.names) and keep the CA", async () => {
  const renamed = clusterFrom(t.dir, (s) => (s.pki.names = [{ C: "DE", OU: "platform" }]));
  const r = await reconcilePki(renamed, first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued subject-changed", "admin issued subject-changed"]);
  assert.is(r.events[2]!.detail, "subject was C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=opsnull, CN=admin, now C=DE, O=system:masters, OU=platform, CN=admin");
});

rerun("should keep a CA whose key differs from the spec's, say so, and re-issue leaves with the new key type", async () => {
  const ec = clusterFrom(t.dir, (s) => (s.pki.key = { algo: "ecdsa", size: 256 }));
  const r = await reconcilePki(ec, first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued key-changed", "admin issued key-changed"]);
  assert.match(r.events[0]!.detail, /its key is rsa-2048 while the spec asks for ecdsa-P-256: kept; a CA is never replaced silently; remove pki\/ca\.pem and pki\/ca-key\.pem to create a new one/);
  assert.is(r.events[1]!.detail, "key rsa-2048, the spec asks for ecdsa-P-256");
  assert.is(r.files.get("ca.pem"), first.files.get("ca.pem"));
  assert.equal(r.summaries.map((s) => s.keyType), ["rsa-2048", "ecdsa-P-256", "ecdsa-P-256"]);
  assert.match(r.files.get("admin-key.pem")!, /^-----BEGIN EC PRIVATE KEY-----/);
});

rerun("should keep a CA whose subject differs from pki.caCSR and say so", async () => {
  const r = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.caCSR.CN = "other-ca")), first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager reused", "admin reused"]);
  assert.match(r.events[0]!.detail, /its subject differs from pki\.caCSR \(.*CN=other-ca\): kept/);
});

const renew = suite("reconcilePki: renewal");
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
  assert.is(r.events[2]!.detail, "expired on 2027-01-15T10:00:00Z");
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

const broken = suite("reconcilePki: broken or foreign state");

broken("should issue a leaf whose key file is missing", async () => {
  const prev = new Map(first.files);
  prev.delete("kube-controller-manager-key.pem");
  const r = await reconcilePki(example, prev, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued missing", "admin reused"]);
  assert.is(r.events[1]!.detail, "kube-controller-manager-key.pem missing");
});

broken("should issue a leaf whose certificate cannot be parsed or whose key does not match", async () => {
  const prev = new Map(first.files);
  prev.set("kube-controller-manager.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  prev.set("admin-key.pem", first.files.get("kube-controller-manager-key.pem")!);
  const r = await reconcilePki(example, prev, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued unreadable", "admin issued unreadable"]);
  assert.match(r.events[1]!.detail, /^kube-controller-manager\.pem cannot be parsed/);
  assert.is(r.events[2]!.detail, "admin-key.pem does not match admin.pem");
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

broken("should refuse (exit 2) an out/pki/ CA without its key, naming the file", async () => {
  const dir = path.join(t.dir, "pki-incomplete");
  saveTo(dir, first.files);
  rmSync(path.join(dir, "ca-key.pem"));
  const err = await reconcilePki(example, readPkiDir(dir), fixedDeps(NOW)).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "pki-state-incomplete");
  assert.ok(err.message.startsWith(`${path.join(dir, "ca-key.pem")}: missing beside ${path.join(dir, "ca.pem")}`), err.message);
});

broken("should refuse (exit 2) an expired CA in out/pki/ rather than replace it", async () => {
  const dir = path.join(t.dir, "pki-expired");
  const short = clusterFrom(t.dir, (s) => Object.assign(s.pki, { caExpiry: "8760h", expiry: "8760h" }));
  const old = await reconcilePki(short, new Map(), fixedDeps(NOW));
  saveTo(dir, old.files);
  const err = await reconcilePki(short, readPkiDir(dir), fixedDeps(later(366))).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "ca-expired");
  assert.is(err.message, `${path.join(dir, "ca.pem")}: the CA expired on 2027-01-15T10:00:00Z`);
});

broken("readPkiDir should return an empty map for a missing folder and refuse a file", () => {
  assert.is(readPkiDir(path.join(t.dir, "nope")).size, 0);
  const file = path.join(t.dir, "a-file");
  writeFileSync(file, "x");
  assert.throws(() => readPkiDir(file), (e: unknown) => e instanceof InputError && e.message.startsWith(file));
});

broken.after(() => t.cleanup());
fresh.run();
rerun.run();
renew.run();
broken.run();
