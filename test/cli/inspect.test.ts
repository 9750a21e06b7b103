import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { create } from "tar";
import { issue, reconcilePki, realDeps, rowById, type PkiResult } from "../../src/pki/index.js";
import { CLI_FROM_SOURCE, cli } from "../helpers/cli.js";
import { ROOT, tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps } from "../pki/_support.js";

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
    `  user: { client-certificate-data: ${b64(r.certs["kube-controller-manager"]!.cert)}, client-key-data: ${b64(r.certs["kube-controller-manager"]!.key)} }`,
    "",
  ].join("\n");
}

/** An out/-like folder: pki/ state plus one node's cert folder and kubeconfig, and its tarball. */
const out = at("out");
writeAll(out, Object.fromEntries([...good.files].map(([n, text]) => [`pki/${n}`, text])));
writeAll(out, {
  "nodes/n1/rootfs/etc/kubernetes/cert/ca.pem": good.certs.ca!.cert,
  "nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager.pem": good.certs["kube-controller-manager"]!.cert,
  "nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager-key.pem": good.certs["kube-controller-manager"]!.key,
  "nodes/n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig": kubeconfig(good),
});
mkdirSync(at("out", "bundles"));
await create({ gzip: true, file: at("out", "bundles", "n1.tar.gz"), cwd: at("out", "nodes"), portable: true }, ["n1"]);

const test = suite("kubebundle inspect");

test("should list every certificate of an out/ folder, kubeconfigs included, and exit 0", async () => {
  const r = await cli("inspect", out);
  assert.is(r.code, 0, r.err);
  const lines = r.out.split("\n");
  assert.match(lines[0]!, /^FILE\s+SUBJECT\s+SANS\s+ISSUER\s+KEY\s+SERIAL\s+NOT-AFTER\s+DAYS-LEFT\s+CHAINS$/);
  const rowOf = (file: string): string => {
    const row = lines.find((l) => l.startsWith(`${file} `));
    if (row === undefined) assert.unreachable(`no row for ${file}:\n${r.out}`);
    return row ?? "";
  };
  assert.match(rowOf("pki/ca.pem"), /CN=kubernetes-ca, O=k8s\s+-\s+CN=kubernetes-ca, O=k8s\s+rsa-2048\s+[0-9a-f]{40}\s+21\d\d-\d\d-\d\d\s+36\d{3}\s+self-signed$/);
  assert.match(rowOf("pki/kube-controller-manager.pem"), /CN=system:kube-controller-manager, O=system:kube-controller-manager\s+103\.172\.238\.94,103\.172\.239\.9,103\.172\.239\.71,127\.0\.0\.1\s+CN=kubernetes-ca, O=k8s\s+rsa-2048\s/);
  assert.match(rowOf("pki/kube-controller-manager.pem"), /yes \(pki\/ca\.pem\)$/);
  assert.match(rowOf("pki/admin.pem"), /CN=admin, O=system:masters\s+-\s/);
  assert.match(rowOf("nodes/n1/rootfs/etc/kubernetes/cert/kube-controller-manager.pem"), /yes \(nodes\/n1\/rootfs\/etc\/kubernetes\/cert\/ca\.pem\)$/);
  const kc = "nodes/n1/rootfs/etc/kubernetes/kube-controller-manager.kubeconfig";
  assert.match(rowOf(`${kc}#user/system:kube-controller-manager`), new RegExp(`yes \\(${kc.replace(/[.]/g, "\\.")}#cluster/kubernetes\\)$`));
  assert.match(rowOf(`${kc}#cluster/kubernetes`), /self-signed$/);
  assert.not.match(r.out, /-key\.pem/, "keys are not certificates");
  assert.not.match(r.out, /n1\.tar\.gz/, "tarballs inside a folder repeat nodes/; they are not read twice");
  assert.match(r.out, /\n7 certificates under .*; no problems$/);
});

test("should print every field as JSON with --json", async () => {
  const r = await cli("inspect", out, "--json");
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.path, out);
  assert.equal(j.problems, []);
  const kcm = j.certificates.find((c: any) => c.file === "pki/kube-controller-manager.pem");
  const s = good.summaries[1]!;
  assert.equal(
    { subject: kcm.subject, sans: kcm.sans, issuer: kcm.issuer, key: kcm.key, serial: kcm.serial, notBefore: kcm.notBefore, notAfter: kcm.notAfter },
    { subject: s.subject, sans: s.sans, issuer: s.issuer, key: s.keyType, serial: s.serial, notBefore: s.notBefore, notAfter: s.notAfter },
  );
  assert.is(kcm.signatureAlgorithm, "sha256WithRSAEncryption");
  assert.ok(kcm.daysLeft >= 36_400 && kcm.daysLeft <= 36_500, String(kcm.daysLeft));
  assert.equal([kcm.chains, kcm.chainedTo, kcm.expired, kcm.isCA], [true, "pki/ca.pem", false, false]);
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
  const file = path.join(out, "pki", "kube-controller-manager.pem");
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
  assert.match(r.out, /admin\.pem .*EXPIRED \(-3\d\)\s+yes \(ca\.pem\)/);
  assert.match(r.out, /1 problem:\n  admin\.pem: expired on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test("should exit 1 when a certificate does not chain to the CA beside it", async () => {
  const other = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.caCSR.CN = "other-ca")), new Map(), realDeps());
  const dir = at("foreign");
  writeAll(dir, { "ca.pem": other.certs.ca!.cert, "kube-controller-manager.pem": good.certs["kube-controller-manager"]!.cert });
  const r = await cli("inspect", dir, "--json");
  assert.is(r.code, 1);
  const j = JSON.parse(r.out);
  const kcm = j.certificates.find((c: any) => c.file === "kube-controller-manager.pem");
  assert.equal([kcm.chains, kcm.chainedTo], [false, null]);
  assert.equal(j.problems, ["kube-controller-manager.pem: does not chain to a CA found beside it (issuer C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=opsnull, CN=kubernetes-ca)"]);
});

test("should exit 1 on a certificate block that cannot be parsed", async () => {
  const dir = at("broken");
  writeAll(dir, { "ca.pem": good.certs.ca!.cert, "bad.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" });
  const r = await cli("inspect", dir);
  assert.is(r.code, 1);
  assert.match(r.out, /bad\.pem\s+unreadable: /);
  assert.match(r.out, /  bad\.pem: cannot be parsed/);
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
  const row = { ...rowById("kube-controller-manager"), subject: () => [["CN", evilCN]] as const, hosts: () => ["a\u001b[31mb.example", "127.0.0.1"] };
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
bounded.run();
