import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { create } from "tar";
import { issue, reconcilePki, realDeps, rowById, type PkiResult } from "../../src/pki/index.js";
import { CLI_FROM_SOURCE, cli } from "../helpers/cli.js";
import { needTool, ROOT, run, tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps, kcmRowOf } from "../pki/_support.js";
import { firstKcm } from "../helpers/components.js";

const t = tmp();
const at = (...p: string[]) => path.join(t.dir, ...p);
const example = clusterFrom(t.dir);
const good = await reconcilePki(example, new Map(), realDeps());

function writeAll(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

function kubeconfig(r: PkiResult): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: kubernetes",
    `  cluster: { server: "https://10.0.0.1:6443", certificate-authority-data: ${b64(r.certs.ca!.cert)} }`,
    "users:",
    "- name: system:kube-controller-manager",
    `  user: { client-certificate-data: ${b64(firstKcm(r.certs).cert)}, client-key-data: ${b64(firstKcm(r.certs).key)} }`,
    "",
  ].join("\n");
}

/** An out/-like folder: pki/ state plus one node's cert folder and kubeconfig, and its tarball. */
const out = at("out");
writeAll(out, Object.fromEntries([...good.files].map(([n, text]) => [`pki/${n}`, text])));
writeAll(out, {
  "nodes/n1/rootfs/etc/kubernetes/cert/ca.pem": good.certs.ca!.cert,
  "nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager.pem": firstKcm(good.certs).cert,
  "nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager-key.pem": firstKcm(good.certs).key,
  "nodes/n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig": kubeconfig(good),
});
mkdirSync(at("out", "bundles"));
await create({ gzip: true, file: at("out", "bundles", "n1.tar.gz"), cwd: at("out", "nodes"), portable: true }, ["n1"]);

const test = suite("kubebundle inspect");

/** blockOf: `file`'s block in inspect's text output (its name, wrapped over lines when long, then its fields), the name on one line. */
function blockOf(out: string, file: string): string {
  for (const b of out.split("\n\n")) {
    const lines = b.split("\n");
    const n = lines.findIndex((l) => l.startsWith("  "));
    if (n > 0 && lines.slice(0, n).join("") === file) return [file, ...lines.slice(n)].join("\n");
  }
  return assert.unreachable(`no block for ${file}:\n${out}`) as never;
}

test("should list every certificate of an out/ folder, kubeconfigs included, with its chain and its key, and exit 0", async () => {
  const r = await cli("inspect", out);
  assert.is(r.code, 0, r.err);
  const ca = blockOf(r.out, "pki/ca.pem");
  assert.match(ca, /\n  status   ok\n  subject  C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca\n  sans     -\n/);
  assert.match(ca, /\n  chain    self-signed\n  key      rsa-2048, sha256WithRSAEncryption; private key pki\/ca-key\.pem matches\n/);
  assert.match(ca, /\n  valid    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to 21\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(36\d{3} days left\)\n  serial   [0-9a-f]{40}$/);
  const kcm = blockOf(r.out, "pki/kube-controller-manager-idc-k8s-01.pem");
  assert.match(kcm, /\n  sans     103\.172\.239\.9, 127\.0\.0\.1\n/);
  assert.match(kcm, /\n  chain    pki\/ca\.pem \(root\)\n/);
  assert.match(blockOf(r.out, "pki/admin.pem"), /\n  subject  C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=opsnull, CN=admin\n  sans     -\n/);
  assert.match(blockOf(r.out, "nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager.pem"), /\n  chain    nodes\/n1\/rootfs\/etc\/kubernetes\/cert\/ca\.pem \(root\)\n/);
  const kc = "nodes/n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig";
  const user = blockOf(r.out, `${kc}#user/system:kube-controller-manager`);
  assert.match(user, /\n  chain    nodes\/n1\/rootfs\/etc\/kubernetes\/kube-controller-manager\.kubeconfig#cluster\/kubernetes\n\s+\(root\)\n/);
  assert.match(user, /\(client-key-data\) matches\n  valid /);
  assert.match(blockOf(r.out, `${kc}#cluster/kubernetes`), /\n  chain    self-signed\n/);
  assert.not.match(r.out, /^\S*-key\.pem$/m, "keys are not certificates");
  assert.not.match(r.out, /n1\.tar\.gz/, "tarballs inside a folder repeat nodes/; they are not read twice");
  // Every certificate of out/pki, and the node's four: ca.pem, the component's, the kubeconfig's cluster CA and user.
  const count = [...good.files.keys()].filter((n) => !n.endsWith("-key.pem")).length + 4;
  assert.match(r.out, new RegExp(`\\n${count} certificates under .*: no problems$`));
  assert.ok(r.out.split("\n").every((l) => l.length <= 100), "every line fits 100 columns");
});

test("should print every field as JSON with --json", async () => {
  const r = await cli("inspect", out, "--json");
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.path, out);
  assert.equal(j.problems, []);
  const kcm = j.certificates.find((c: any) => c.file === "pki/kube-controller-manager-idc-k8s-01.pem");
  const s = good.summaries.find((x) => x.id === "kube-controller-manager@idc-k8s-01")!;
  assert.equal(
    { subject: kcm.subject, sans: kcm.sans, issuer: kcm.issuer, key: kcm.key, serial: kcm.serial, notBefore: kcm.notBefore, notAfter: kcm.notAfter },
    { subject: s.subject, sans: s.sans, issuer: s.issuer, key: s.keyType, serial: s.serial, notBefore: s.notBefore, notAfter: s.notAfter },
  );
  assert.is(kcm.signatureAlgorithm, "sha256WithRSAEncryption");
  assert.ok(kcm.daysLeft >= 36_400 && kcm.daysLeft <= 36_500, String(kcm.daysLeft));
  assert.equal([kcm.chains, kcm.chainedTo, kcm.chain, kcm.expired, kcm.expiring, kcm.isCA], [true, "pki/ca.pem", ["pki/ca.pem"], false, false, false]);
  assert.equal(kcm.privateKey, { file: "pki/kube-controller-manager-idc-k8s-01-key.pem", matches: true });
  assert.equal(kcm.findings, []);
  assert.equal([j.warn, j.warnings], [{ text: "30d", ms: 30 * DAY_MS }, []]);
  const user = j.certificates.find((c: any) => c.file.endsWith("kubeconfig#user/system:kube-controller-manager"));
  assert.equal(user.privateKey, { file: `${user.file} (client-key-data)`, matches: true }, "a kubeconfig user's key is checked against its certificate");
});

test("should read a node tarball in memory", async () => {
  const r = await cli("inspect", at("out", "bundles", "n1.tar.gz"), "--json");
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.certificates.map((c: any) => c.file), [
    "n1/rootfs/etc/kubernetes/cert/ca.pem",
    "n1/rootfs/etc/kubernetes/cert/kube-controller-manager.pem",
    "n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig#cluster/kubernetes",
    "n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig#user/system:kube-controller-manager",
  ]);
  assert.ok(j.certificates.every((c: any) => c.chains));
});

test("should check a single .pem against the CA beside it", async () => {
  const file = path.join(out, "pki", "kube-controller-manager-idc-k8s-01.pem");
  const r = await cli("inspect", file, "--json");
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.certificates.map((c: any) => [c.file, c.chainedTo]), [[file, path.join(out, "pki", "ca.pem")]]);
});

test("should exit 1 and name an expired certificate", async () => {
  const yearly = clusterFrom(t.dir, (s) => (s.pki.expiry = "8760h"));
  const old = await reconcilePki(yearly, new Map(), fixedDeps(new Date(Date.now() - 400 * DAY_MS)));
  const dir = at("expired");
  writeAll(dir, { "ca.pem": old.certs.ca!.cert, "admin.pem": old.certs.admin!.cert });
  const r = await cli("inspect", dir);
  assert.is(r.code, 1);
  assert.match(blockOf(r.out, "admin.pem"), /\n  status   EXPIRED\n[^]*\n  chain    ca\.pem \(root\)\n[^]*\(expired 3\d days ago\)\n[^]*\n  PROBLEM  expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(r.out, /: 1 problem\n  problem: admin\.pem: expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test("should exit 1 when a certificate does not chain to the CA beside it", async () => {
  const other = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.caCSR.CN = "other-ca")), new Map(), realDeps());
  const dir = at("foreign");
  writeAll(dir, { "ca.pem": other.certs.ca!.cert, "kube-controller-manager.pem": firstKcm(good.certs).cert });
  const r = await cli("inspect", dir, "--json");
  assert.is(r.code, 1);
  const j = JSON.parse(r.out);
  const kcm = j.certificates.find((c: any) => c.file === "kube-controller-manager.pem");
  assert.equal([kcm.chains, kcm.chainedTo], [false, null]);
  assert.equal(j.problems, ["kube-controller-manager.pem: does not chain to a CA found beside it or carried with it (issuer C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca)"]);
  assert.equal(kcm.findings.map((f: any) => [f.kind, f.severity]), [["chain", "error"]]);
});

test("should exit 1 on a certificate block that cannot be parsed", async () => {
  const dir = at("broken");
  writeAll(dir, { "ca.pem": good.certs.ca!.cert, "bad.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" });
  const r = await cli("inspect", dir);
  assert.is(r.code, 1);
  assert.match(blockOf(r.out, "bad.pem"), /\n  status   UNREADABLE: /);
  assert.match(r.out, /  problem: bad\.pem: cannot be parsed/);
});

test("should exit 2 for a missing path, a folder without certificates, or an unreadable tarball", async () => {
  const missing = await cli("inspect", at("nope"));
  assert.is(missing.code, 2);
  assert.is(missing.err, `error: ${at("nope")}: no such file or folder (give a .pem file, an output folder such as out/, or a node tarball)`);
  mkdirSync(at("empty"));
  const empty = await cli("inspect", at("empty"));
  assert.is(empty.code, 2);
  assert.match(empty.err, /empty: holds no certificate/);
  writeFileSync(at("junk.tar.gz"), "not gzip");
  const junk = await cli("inspect", at("junk.tar.gz"));
  assert.is(junk.code, 2);
  assert.match(junk.err, /junk\.tar\.gz: not a readable tarball/);
});

test("should print a failure as JSON on stdout with --json, naming the path", async () => {
  const missing = await cli("inspect", at("nope"), "--json");
  assert.is(missing.code, 2);
  assert.is(missing.err, "");
  assert.equal(JSON.parse(missing.out), {
    error: "inspect-not-found",
    problems: [{ file: at("nope"), pointer: "", message: `${at("nope")}: no such file or folder (give a .pem file, an output folder such as out/, or a node tarball)`, severity: "error" }],
  });
  writeFileSync(at("junk.tar.gz"), "not gzip");
  const junk = JSON.parse((await cli("inspect", at("junk.tar.gz"), "--json")).out);
  assert.is(junk.error, "inspect-unreadable");
  assert.match(junk.problems[0].message, /junk\.tar\.gz: not a readable tarball/);
});

test("should explain itself with --help", async () => {
  const r = await cli("inspect", "--help");
  assert.is(r.code, 0);
  assert.match(r.out, /--json/);
});

test("should escape control characters of subjects, SANs and file names in its table, and keep them exact in --json", async () => {
  const deps = fixedDeps(new Date());
  const ca = await issue(rowById("ca"), null, example, deps);
  const evilCN = "evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e";
  const row = { ...kcmRowOf(clusterFrom(t.dir)), subject: () => [["CN", evilCN]] as const, hosts: () => ["a\u001b[31mb.example", "127.0.0.1"] };
  const evil = await issue(row, ca, example, deps);
  const dir = at("evil");
  writeAll(dir, { "ca.pem": ca.pem, "evil\u001b[1m.pem": evil.pem });
  const r = await cli("inspect", dir);
  assert.is(r.code, 0, r.out);
  assert.not.match(r.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/, "no control character reaches the terminal");
  assert.ok(r.out.includes("CN=evil\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202e"), r.out);
  assert.ok(r.out.includes("a\\u001b[31mb.example"), r.out);
  assert.ok(r.out.includes("evil\\u001b[1m.pem"), r.out);
  const j = await cli("inspect", dir, "--json");
  assert.not.match(j.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/, "none in the JSON text either");
  const cert = JSON.parse(j.out).certificates.find((c: any) => c.file.startsWith("evil"));
  assert.equal([cert.file, cert.subject, cert.sans], ["evil\u001b[1m.pem", `CN=${evilCN}`, ["a\u001b[31mb.example", "127.0.0.1"]], "the data itself is exact");
});

const timely = suite("kubebundle inspect: findings in time (--warn, keys, weak certificates, line width)");
const ecdsa = (s: any) => (s.pki.key = { algo: "ecdsa", size: 256 });

timely("should exit 3 for a certificate expiring within --warn (30d by default), 1 once one has expired, 2 for a --warn it cannot read", async () => {
  const yearly = clusterFrom(t.dir, (s) => (ecdsa(s), (s.pki.expiry = "8760h")));
  const soon = await reconcilePki(yearly, new Map(), fixedDeps(new Date(Date.now() - 355 * DAY_MS)));
  const dir = at("soon");
  writeAll(dir, { "ca.pem": soon.certs.ca!.cert, "admin.pem": soon.certs.admin!.cert });
  const r = await cli("inspect", dir);
  assert.is(r.code, 3, r.out);
  assert.match(blockOf(r.out, "admin.pem"), /\n  status   EXPIRES SOON\n[^]*\n  warning  expires on \S+, in 9 days: within --warn 30d$/);
  assert.match(r.out, /: 1 certificate expiring within 30d\n  warning: admin\.pem: expires on \S+, in 9 days: within --warn 30d$/);
  const j = JSON.parse((await cli("inspect", dir, "--json")).out);
  const admin = j.certificates.find((c: any) => c.file === "admin.pem");
  assert.equal([admin.expiring, admin.findings.map((f: any) => [f.kind, f.severity])], [true, [["expiring", "warning"]]]);
  assert.equal([j.problems.length, j.warnings.length], [0, 1]);
  for (const [warn, code] of [["240h", 3], ["10d", 3], ["9d", 0], ["1d12h", 0], ["0", 0], ["36600d", 3]] as const) {
    const w = await cli("inspect", dir, "--warn", warn);
    assert.is(w.code, code, `--warn ${warn}: ${w.out}`);
  }
  const old = await reconcilePki(yearly, new Map(), fixedDeps(new Date(Date.now() - 400 * DAY_MS)));
  writeAll(dir, { "old-admin.pem": old.certs.admin!.cert, "old-ca.pem": old.certs.ca!.cert });
  assert.is((await cli("inspect", dir)).code, 1, "expired outweighs expiring");
  for (const bad of ["30 days", "1y", "-1d", "d", ""]) {
    const b = await cli("inspect", dir, `--warn=${bad}`);
    assert.is(b.code, 2, `--warn ${JSON.stringify(bad)}`);
    assert.match(b.err, /^error: --warn ".*": give a duration such as 30d, 720h or 1d12h/);
  }
});

timely("should exit 1 for a private key beside a certificate (X-key.pem, a kubeconfig user's key) that is not its own", async () => {
  const dir = at("mismatch");
  const kcm = firstKcm(good.certs);
  const other = kubeconfig(good).replace(Buffer.from(kcm.key).toString("base64"), Buffer.from(good.certs.admin!.key).toString("base64"));
  writeAll(dir, { "ca.pem": good.certs.ca!.cert, "admin.pem": good.certs.admin!.cert, "admin-key.pem": kcm.key, "kcm.kubeconfig": other });
  const r = await cli("inspect", dir);
  assert.is(r.code, 1, r.out);
  assert.match(blockOf(r.out, "admin.pem"), /private key admin-key\.pem DOES NOT MATCH\n[^]*\n  PROBLEM  admin-key\.pem beside it is not its private key$/);
  const j = JSON.parse((await cli("inspect", dir, "--json")).out);
  assert.equal(j.problems, [
    "admin.pem: admin-key.pem beside it is not its private key",
    "kcm.kubeconfig#user/system:kube-controller-manager: kcm.kubeconfig#user/system:kube-controller-manager (client-key-data) beside it is not its private key",
  ]);
  const admin = j.certificates.find((c: any) => c.file === "admin.pem");
  assert.equal([admin.privateKey, admin.findings.map((f: any) => f.kind)], [{ file: "admin-key.pem", matches: false }, ["key-mismatch"]]);
});

timely("should exit 1 for a weak key or signature, by the rules an imported CA is held to", async () => {
  if (!needTool("openssl", "the weak certificate is made by openssl")) return;
  const dir = at("weak");
  mkdirSync(dir);
  run("openssl", ["req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", "old-key.pem", "-subj", "/CN=old", "-days", "3650", "-sha1", "-out", "old.pem"], { cwd: dir });
  const r = await cli("inspect", dir, "--json");
  assert.is(r.code, 1, r.out);
  const old = JSON.parse(r.out).certificates[0];
  assert.equal(old.findings, [
    { kind: "weak-key", severity: "error", message: "has an RSA key of 1024 bits (kubebundle accepts RSA of at least 2048 bits or ECDSA on P-256 or P-384)" },
    { kind: "weak-signature", severity: "error", message: "is signed with sha1WithRSAEncryption, which can be forged" },
  ]);
  assert.is(old.signatureAlgorithm, "sha1WithRSAEncryption");
});

timely("should fit its lines to 100 columns (or the width given), counting the SANs that do not fit, and list them all in --json", async () => {
  const big = clusterFrom(t.dir, (s) => {
    ecdsa(s);
    s.nodes = Array.from({ length: 60 }, (_, i) => ({ name: `node-${i}`, ip: `10.1.${i}.${200 + (i % 50)}` }));
  });
  // One certificate naming every node (as the guide's shared one did): 61 SANs.
  const deps = fixedDeps(new Date());
  const ca = await issue(rowById("ca"), null, big, deps);
  const wide = await issue({ ...kcmRowOf(big), hosts: () => ["127.0.0.1", ...big.nodes.map((n) => n.ip)] }, ca, big, deps);
  const dir = at("wide");
  writeAll(dir, { "ca.pem": ca.pem, "kube-controller-manager.pem": wide.pem });
  const r = await cli("inspect", dir);
  assert.is(r.code, 0, r.out);
  const long = r.out.split("\n").filter((l) => l.length > 100);
  assert.equal(long, [], "no line wider than 100 columns");
  const sans = blockOf(r.out, "kube-controller-manager.pem").split("\n").filter((l) => /^  sans |^ {11}\S/.test(l) && !/^ {11}CN=/.test(l));
  assert.is(sans.length, 3, sans.join("\n"));
  assert.match(sans[2]!, /, \.\.\. and \d+ more \(--json lists them all\)$/);
  const j = JSON.parse((await cli("inspect", dir, "--json")).out);
  assert.is(j.certificates.find((c: any) => c.file === "kube-controller-manager.pem").sans.length, 61);
  const { formatTable } = await import("../../src/inspect/table.js");
  const { inspectPath } = await import("../../src/inspect/report.js");
  const narrow = formatTable(await inspectPath(dir), 60).split("\n");
  assert.equal(narrow.filter((l) => l.length > 60), [], "every line fits a 60-column terminal");
});

const bounded = suite("kubebundle inspect: bounded reads (never hang, never balloon)");

/** kubebundle: the CLI from source as a process, killed after 30 s (a hang fails the test instead of stopping the suite). */
function kubebundle(...args: string[]) {
  const started = Date.now();
  const r = spawnSync(CLI_FROM_SOURCE[0]!, [...CLI_FROM_SOURCE.slice(1), ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL" });
  return { ...r, ms: Date.now() - started };
}

bounded("should refuse a FIFO at once with exit 2", () => {
  const fifo = at("pipe.pem");
  execFileSync("mkfifo", [fifo]);
  const r = kubebundle("inspect", fifo);
  assert.is(r.signal, null, "inspect on a FIFO hung");
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /pipe\.pem: is a FIFO, not a PEM file or kubeconfig \(kubebundle reads regular files only\)/);
});

bounded("should refuse a FIFO or a symlink to /dev/zero with a certificate's name inside an out/ folder, and pass over a FIFO of another name", () => {
  const odd = at("odd-out");
  cpSync(out, odd, { recursive: true });
  execFileSync("mkfifo", [path.join(odd, "nodes", "n1", "pipe")]);
  const fine = kubebundle("inspect", odd);
  assert.is(fine.signal, null, "inspect hung on a FIFO it need not read");
  assert.is(fine.status, 0, fine.stderr);
  execFileSync("mkfifo", [path.join(odd, "nodes", "n1", "x.pem")]);
  const fifo = kubebundle("inspect", odd);
  assert.is(fifo.signal, null, "inspect hung on a FIFO inside out/nodes");
  assert.is(fifo.status, 2, fifo.stderr);
  assert.match(fifo.stderr, /nodes\/n1\/x\.pem: is a FIFO, not a PEM file or kubeconfig/);
  execFileSync("rm", [path.join(odd, "nodes", "n1", "x.pem")]);
  symlinkSync("/dev/zero", path.join(odd, "nodes", "n1", "zero.crt"));
  const zero = kubebundle("inspect", odd, "--json");
  assert.is(zero.signal, null, "inspect read /dev/zero");
  assert.is(zero.status, 2, zero.stderr);
  const j = JSON.parse(zero.stdout);
  assert.is(j.error, "inspect-not-regular");
  assert.equal([j.problems[0].file, j.problems[0].message], [path.join(odd, "nodes", "n1", "zero.crt"), "is a device, not a PEM file or kubeconfig (kubebundle reads regular files only)"]);
});

bounded("should refuse a 9 MB gzip of zeros quickly, naming the cap on what a tarball unpacks to", () => {
  const member = gzipSync(Buffer.alloc(16 << 20)); // 16 MiB of zeros in ~16 KB; members concatenate into one gzip stream
  const bomb = Buffer.concat(Array.from({ length: Math.ceil(9e6 / member.length) }, () => member));
  writeFileSync(at("bomb.tar.gz"), bomb);
  const r = kubebundle("inspect", at("bomb.tar.gz"));
  assert.is(r.signal, null, "inspect unpacked the whole bomb");
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /bomb\.tar\.gz: unpacks to more than 256 MiB, more than inspect reads/);
  assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
});

bounded("should refuse a tarball over its compressed cap before reading it, and an entry over the PEM cap", async () => {
  writeFileSync(at("huge.tar.gz"), "");
  truncateSync(at("huge.tar.gz"), (64 << 20) + 1);
  const huge = await cli("inspect", at("huge.tar.gz"));
  assert.is(huge.code, 2);
  assert.match(huge.err, /huge\.tar\.gz: is 67108865 bytes, larger than a node tarball may be \(at most 64 MiB\)/);
  mkdirSync(at("fat", "n1"), { recursive: true });
  writeFileSync(at("fat", "n1", "big.pem"), Buffer.alloc((1 << 20) + 1, 0x41));
  await create({ gzip: true, file: at("fat.tar.gz"), cwd: at("fat"), portable: true }, ["n1"]);
  const fat = await cli("inspect", at("fat.tar.gz"));
  assert.is(fat.code, 2);
  assert.match(fat.err, /fat\.tar\.gz: n1\/big\.pem is 1048577 bytes, larger than a PEM file or kubeconfig may be \(at most 1 MiB\)/);
});

bounded.after(() => t.cleanup());
test.run();
timely.run();
bounded.run();
