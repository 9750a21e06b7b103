import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { CAPS } from "../../src/input-file.js";
import { readPkiDir, reconcilePki, type PkiFiles } from "../../src/pki/index.js";
import { certificateDers, pemBlocks } from "../../src/pki/x509/pem.js";
import { needTool, run, tmp } from "../helpers/tools.js";
import { clusterFrom, DAY_MS, fixedDeps, NOW, brief } from "./_support.js";

const t = tmp();
const dir = t.dir;
const has = needTool("openssl", "CA import tests make their CAs with openssl");
const at = (f: string) => path.join(dir, f);
const ossl = (...args: string[]) => run("openssl", args, { cwd: dir });
// openssl's clock is the real one: CAs it makes are valid from now, so these tests run on the real date too.
const today = () => new Date(Math.floor(Date.now() / 1000) * 1000);

const EXT: Record<string, string> = {
  ca: "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash",
  "not-ca": "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature",
  "no-cert-sign": "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,digitalSignature,cRLSign",
  "no-key-usage": "basicConstraints = critical,CA:TRUE\nsubjectKeyIdentifier = hash",
};

/** caCert: a self-signed certificate for key file `key` with extension set `ext`, valid `days`. */
function caCert(name: string, key: string, ext = "ca", days = 36600): string {
  writeFileSync(at(`${name}.cnf`), `[req]\ndistinguished_name = dn\nx509_extensions = ext\nprompt = no\n[dn]\nO = acme\nCN = ${name}\n[ext]\n${EXT[ext]}\n`);
  ossl("req", "-x509", "-new", "-key", key, "-config", `${name}.cnf`, "-days", String(days), "-sha256", "-out", `${name}.pem`);
  return `${name}.pem`;
}

/** importing: the example spec importing `cert`/`key` (relative to the spec), with extra pki settings. */
function importing(cert: string, key: string, pki: Record<string, unknown> = {}) {
  return clusterFrom(dir, (s) => Object.assign(s.pki, { ca: { certFile: cert, keyFile: key } }, pki));
}

async function refusal(cert: string, key: string, pki: Record<string, unknown> = {}): Promise<InputError> {
  const c = importing(cert, key, pki);
  const err = await reconcilePki(c, new Map(), fixedDeps(today())).catch((e) => e);
  assert.instance(err, InputError, String(err));
  assert.is(err.problems[0]?.file, c.file);
  return err as InputError;
}

if (has) {
  ossl("genrsa", "-traditional", "-out", "rsa-pkcs1.pem", "2048");
  ossl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1.pem");
  ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "ec-pkcs8.pem");
  ossl("pkey", "-in", "rsa-pkcs1.pem", "-out", "rsa-pkcs8.pem");
}

const formats = suite("import: key formats");

for (const [key, label, keyType] of [
  ["rsa-pkcs1.pem", "RSA PRIVATE KEY", "rsa-2048"],
  ["ec-sec1.pem", "EC PRIVATE KEY", "ecdsa-P-256"],
  ["ec-pkcs8.pem", "EC PRIVATE KEY", "ecdsa-P-384"],
  ["rsa-pkcs8.pem", "RSA PRIVATE KEY", "rsa-2048"],
] as const) {
  formats(`should import a CA whose key is ${key}, copy it into ca.pem/ca-key.pem (${label}) and sign leaves that openssl verifies`, async () => {
    if (!has) return;
    assert.match(readFileSync(at(key), "utf8"), key.includes("pkcs8") ? /BEGIN PRIVATE KEY/ : key.startsWith("rsa") ? /BEGIN RSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/);
    const cert = caCert(`ca-${key.replace(".pem", "")}`, key);
    const deps = fixedDeps(today());
    const r = await reconcilePki(importing(cert, key), new Map(), deps);
    assert.equal(brief(r), ["ca imported missing", "kube-controller-manager issued missing", "admin issued missing"]);
    assert.is(deps.counting.generated, 4, "one key per leaf (a kube-controller-manager one per node, admin), none for the imported CA");
    assert.match(r.events[0]!.detail, new RegExp(`^from ${at(cert).replace(/[.]/g, "\\.")} \\(${keyType}, valid until `));
    assert.equal(certificateDers(r.files.get("ca.pem")!), certificateDers(readFileSync(at(cert), "utf8")));
    assert.equal(pemBlocks(r.files.get("ca-key.pem")!).map((b) => b.label), [label]);
    writeFileSync(at("out-ca.pem"), r.files.get("ca.pem")!);
    for (const id of ["kube-controller-manager@idc-k8s-01", "kube-controller-manager@idc-k8s-03", "admin"]) {
      writeFileSync(at("leaf.pem"), r.certs[id]!.cert);
      assert.is(ossl("verify", "-CAfile", "out-ca.pem", "leaf.pem").trim(), "leaf.pem: OK");
    }
    assert.is(r.summaries[1]!.keyType, "rsa-2048", "leaves use the spec's key, whatever the CA's");
  });
}

const reuse = suite("import: re-runs");

reuse("should reuse leaves on a second run with the same imported CA, and replace a different CA in out/pki/ saying so", async () => {
  if (!has) return;
  const cert = caCert("site-ca", "rsa-pkcs1.pem");
  const c = importing(cert, "rsa-pkcs1.pem");
  const one = await reconcilePki(c, new Map(), fixedDeps(today()));
  const deps = fixedDeps(today());
  const two = await reconcilePki(c, one.files, deps);
  assert.equal(brief(two), ["ca imported", "kube-controller-manager reused", "admin reused"]);
  assert.is(deps.counting.generated, 0);
  assert.equal([...two.files], [...one.files]);

  const own = await reconcilePki(clusterFrom(dir), new Map(), fixedDeps(today()));
  const three = await reconcilePki(c, own.files, fixedDeps(today()));
  assert.equal(brief(three), ["ca imported ca-changed", "kube-controller-manager issued ca-changed", "admin issued ca-changed"]);
  assert.match(three.events[0]!.detail, /replaces pki\/ca\.pem; every certificate it signed is re-issued$/);
  assert.is(three.events[1]!.detail, "the CA changed");
  assert.is(three.files.get("ca.pem"), one.files.get("ca.pem"));
});

reuse("should accept a CA without a keyUsage extension (openssl req's default)", async () => {
  if (!has) return;
  const r = await reconcilePki(importing(caCert("no-ku", "rsa-pkcs1.pem", "no-key-usage"), "rsa-pkcs1.pem"), new Map(), fixedDeps(today()));
  assert.is(r.events[0]!.action, "imported");
});

const refuse = suite("import: refusals (exit 2, naming the file)");

refuse("should refuse an encrypted key, PKCS#8 or legacy PEM", async () => {
  if (!has) return;
  const cert = caCert("enc-ca", "rsa-pkcs1.pem");
  ossl("pkey", "-in", "rsa-pkcs1.pem", "-aes256", "-passout", "pass:secret", "-out", "enc-pkcs8.pem");
  ossl("rsa", "-in", "rsa-pkcs1.pem", "-aes256", "-passout", "pass:secret", "-traditional", "-out", "enc-legacy.pem");
  for (const key of ["enc-pkcs8.pem", "enc-legacy.pem"]) {
    const err = await refusal(cert, key);
    assert.is(err.code, "ca-key-encrypted");
    assert.ok(err.message.startsWith(`${at(key)}: the private key is encrypted`), err.message);
    assert.is(err.problems[0]!.pointer, "/pki/ca/keyFile");
    assert.is(err.problems[0]!.hint, `openssl pkey -in ${at(key)} -out ca-key-plain.pem`);
  }
});

refuse("should refuse a key that does not match the certificate", async () => {
  if (!has) return;
  const err = await refusal(caCert("mismatch-ca", "rsa-pkcs1.pem"), "ec-sec1.pem");
  assert.is(err.code, "ca-key-mismatch");
  assert.is(err.message, `${at("ec-sec1.pem")}: does not match the certificate in ${at("mismatch-ca.pem")}`);
});

refuse("should refuse a certificate that is not a CA, or may not sign certificates", async () => {
  if (!has) return;
  const a = await refusal(caCert("leaf-not-ca", "rsa-pkcs1.pem", "not-ca"), "rsa-pkcs1.pem");
  assert.is(a.code, "ca-not-ca");
  assert.is(a.message, `${at("leaf-not-ca.pem")}: O=acme, CN=leaf-not-ca is not a CA certificate (basicConstraints CA:TRUE missing)`);
  assert.is(a.problems[0]!.pointer, "/pki/ca/certFile");
  const b = await refusal(caCert("no-sign-ca", "rsa-pkcs1.pem", "no-cert-sign"), "rsa-pkcs1.pem");
  assert.is(b.code, "ca-not-ca");
  assert.match(b.message, /no-sign-ca\.pem: O=acme, CN=no-sign-ca may not sign certificates \(keyUsage lacks keyCertSign\)$/);
});

refuse("should refuse an expired CA", async () => {
  if (!has) return;
  const old = clusterFrom(dir, (s) => Object.assign(s.pki, { caExpiry: "1h", expiry: "1h" }));
  const made = await reconcilePki(old, new Map(), fixedDeps(new Date(NOW.getTime() - 400 * DAY_MS)));
  writeFileSync(at("expired-ca.pem"), made.files.get("ca.pem")!);
  writeFileSync(at("expired-ca-key.pem"), made.files.get("ca-key.pem")!);
  const err = await refusal("expired-ca.pem", "expired-ca-key.pem");
  assert.is(err.code, "ca-expired");
  assert.match(err.message, new RegExp(`^${at("expired-ca.pem")}: the CA expired on 2024-12-11T11:00:00Z$`));
});

refuse("should refuse a CA that expires before the certificates it would sign, and suggest an expiry", async () => {
  if (!has) return;
  const cert = caCert("short-ca", "rsa-pkcs1.pem", "ca", 30);
  const err = await refusal(cert, "rsa-pkcs1.pem");
  assert.is(err.code, "ca-expires-too-soon");
  assert.match(err.message, /short-ca\.pem: the CA expires on \S+, before certificates issued now for 876000h would \(\S+\); shorten pki\.expiry or renew the CA \(try: "expiry": "7(19|20)h"\)$/);
  const ok = await reconcilePki(importing(cert, "rsa-pkcs1.pem", { expiry: "240h" }), new Map(), fixedDeps(today()));
  assert.is(ok.events[0]!.action, "imported");
});

refuse("should refuse unreadable PEM in either file", async () => {
  if (!has) return;
  writeFileSync(at("garbage.pem"), "this is not PEM\n");
  const cert = caCert("good-ca", "rsa-pkcs1.pem");
  const a = await refusal("garbage.pem", "rsa-pkcs1.pem");
  assert.is(a.code, "ca-cert-unreadable");
  assert.is(a.message, `${at("garbage.pem")}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  const b = await refusal(cert, "garbage.pem");
  assert.is(b.code, "ca-key-unreadable");
  assert.ok(b.message.startsWith(`${at("garbage.pem")}: not an unencrypted PEM private key`));
  const c = await refusal(cert, cert);
  assert.is(c.code, "ca-key-unreadable", "a certificate given as the key");
  writeFileSync(at("truncated.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const d = await refusal("truncated.pem", "rsa-pkcs1.pem");
  assert.is(d.code, "ca-cert-unreadable");
  assert.match(d.message, /truncated\.pem: the certificate cannot be parsed/);
});

refuse("should refuse a CA file over the PEM cap before reading it, naming the file, its size and the cap", async () => {
  writeFileSync(at("huge-ca.pem"), Buffer.alloc(CAPS.pem + 1, 0x41));
  writeFileSync(at("huge-key.pem"), "");
  const c = importing("huge-ca.pem", "huge-key.pem");
  const err = await reconcilePki(c, new Map(), fixedDeps(today())).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "ca-file-too-large");
  assert.is(err.message, `${at("huge-ca.pem")}: is 1048577 bytes, larger than a PEM file may be (at most 1 MiB)`);
  assert.equal([err.problems[0]!.file, err.problems[0]!.pointer], [c.file, "/pki/ca/certFile"]);
});

refuse("should refuse a CA key kubebundle cannot sign with (RSA-PSS)", async () => {
  if (!has) return;
  ossl("genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pss.pem");
  const err = await refusal(caCert("pss-ca", "pss.pem"), "pss.pem");
  assert.is(err.code, "ca-key-unsupported");
  assert.match(err.message, /pss\.pem: a rsa-pss key cannot sign here; use rsa or ecdsa P-256\/P-384$/);
});

const stored = suite("the CA in out/pki/: kept, never replaced silently");
const example = clusterFrom(dir);
const first = await reconcilePki(example, new Map(), fixedDeps(NOW));
const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

function saveTo(where: string, files: PkiFiles): void {
  rmSync(where, { recursive: true, force: true });
  mkdirSync(where, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(where, name), text);
}

stored("should keep a CA whose key differs from the spec's, say so, and re-issue leaves with the new key type", async () => {
  const ec = clusterFrom(t.dir, (s) => (s.pki.key = { algo: "ecdsa", size: 256 }));
  const r = await reconcilePki(ec, first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager issued key-changed", "admin issued key-changed"]);
  assert.match(r.events[0]!.detail, /its key is rsa-2048 while the spec asks for ecdsa-P-256: kept; a CA is never replaced silently; remove pki\/ca\.pem and pki\/ca-key\.pem to create a new one/);
  assert.is(r.events[1]!.detail, "key rsa-2048, the spec asks for ecdsa-P-256");
  assert.is(r.files.get("ca.pem"), first.files.get("ca.pem"));
  assert.equal(r.summaries.map((s) => s.keyType), ["rsa-2048", "ecdsa-P-256", "ecdsa-P-256", "ecdsa-P-256", "ecdsa-P-256"]);
  assert.match(r.files.get("admin-key.pem")!, /^-----BEGIN EC PRIVATE KEY-----/);
});

stored("should keep a CA whose subject differs from pki.caCSR and say so", async () => {
  const r = await reconcilePki(clusterFrom(t.dir, (s) => (s.pki.caCSR.CN = "other-ca")), first.files, fixedDeps(later(1)));
  assert.equal(brief(r), ["ca reused", "kube-controller-manager reused", "admin reused"]);
  assert.match(r.events[0]!.detail, /its subject differs from pki\.caCSR \(.*CN=other-ca\): kept/);
});

stored("should refuse (exit 2) an out/pki/ CA without its key, naming the file", async () => {
  const dir = path.join(t.dir, "pki-incomplete");
  saveTo(dir, first.files);
  rmSync(path.join(dir, "ca-key.pem"));
  const err = await reconcilePki(example, readPkiDir(dir), fixedDeps(NOW)).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "pki-state-incomplete");
  assert.ok(err.message.startsWith(`${path.join(dir, "ca-key.pem")}: missing beside ${path.join(dir, "ca.pem")}`), err.message);
});

stored("should refuse (exit 2) an expired CA in out/pki/ rather than replace it", async () => {
  const dir = path.join(t.dir, "pki-expired");
  const short = clusterFrom(t.dir, (s) => Object.assign(s.pki, { caExpiry: "8760h", expiry: "8760h" }));
  const old = await reconcilePki(short, new Map(), fixedDeps(NOW));
  saveTo(dir, old.files);
  const err = await reconcilePki(short, readPkiDir(dir), fixedDeps(later(366))).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "ca-expired");
  assert.is(err.message, `${path.join(dir, "ca.pem")}: the CA expired on 2027-01-15T10:00:00Z`);
});

stored.after(() => t.cleanup());
formats.run();
reuse.run();
refuse.run();
stored.run();
