// Imported CAs checked like a cautious verifier: key sizes and curves, signature hashes, nameConstraints, pathLen, and an
// intermediate CA given with its chain, which is kept and shipped so that openssl, kubectl and inspect verify what it signs.
// The CAs are made by openssl in a temporary folder.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { reconcilePki, realDeps } from "../../src/pki/index.js";
import { certificateDers } from "../../src/pki/x509/pem.js";
import { cli } from "../helpers/cli.js";
import { needTool, run, tmp } from "../helpers/tools.js";
import { clusterFrom, fixedDeps } from "./_support.js";

const t = tmp();
const dir = t.dir;
const has = needTool("openssl", "the CAs of these tests are made by openssl");
const at = (f: string) => path.join(dir, f);
const ossl = (...args: string[]) => run("openssl", args, { cwd: dir });
// openssl's clock is the real one: CAs it makes are valid from now, so these tests run on the real date too.
const today = () => new Date(Math.floor(Date.now() / 1000) * 1000);

const CA_EXT = "basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash";

/** key: a private key made by openssl: "ec:P-256", "ec:P-521", "ec:secp256k1", "rsa:1024"... */
function key(name: string, kind: string): string {
  const [algo, param] = kind.split(":");
  const opt = algo === "ec" ? `ec_paramgen_curve:${param}` : `rsa_keygen_bits:${param}`;
  ossl("genpkey", "-algorithm", algo === "ec" ? "EC" : "RSA", "-pkeyopt", opt, "-out", `${name}.key`);
  return `${name}.key`;
}

/** root: a self-signed CA `name`.pem for key `k`, with `ext` lines added to the CA extensions. */
function root(name: string, k: string, o: { ext?: string; digest?: string; days?: number } = {}): string {
  writeFileSync(at(`${name}.cnf`), `[req]\ndistinguished_name = dn\nx509_extensions = ext\nprompt = no\n[dn]\nO = acme\nCN = ${name}\n[ext]\n${CA_EXT}\n${o.ext ?? ""}\n[dirs]\nC = US\n`);
  ossl("req", "-x509", "-new", "-key", k, "-config", `${name}.cnf`, "-days", String(o.days ?? 3650), `-${o.digest ?? "sha256"}`, "-out", `${name}.pem`);
  return `${name}.pem`;
}

/** signed: a CA certificate `name`.pem for key `k`, signed by `issuer` (its .pem and key), with `ext` lines added. */
function signed(name: string, k: string, issuer: { cert: string; key: string }, o: { ext?: string; basic?: string; digest?: string } = {}): string {
  ossl("req", "-new", "-key", k, "-subj", `/O=acme/CN=${name}`, "-out", `${name}.csr`);
  const ext = (o.basic ?? CA_EXT) + (o.ext ? `\n${o.ext}` : "");
  writeFileSync(at(`${name}.ext`), `[ext]\n${ext}\nauthorityKeyIdentifier = keyid\n[dirs]\nC = US\n`);
  ossl("x509", "-req", "-in", `${name}.csr`, "-CA", issuer.cert, "-CAkey", issuer.key, "-set_serial", String(Date.now()), "-days", "3000",
    `-${o.digest ?? "sha256"}`, "-extfile", `${name}.ext`, "-extensions", "ext", "-out", `${name}.pem`);
  return `${name}.pem`;
}

/** bundle: the PEM files `files` concatenated into `name` (a certFile holding a chain). */
function bundle(name: string, ...files: string[]): string {
  writeFileSync(at(name), files.map((f) => readFileSync(at(f), "utf8")).join(""));
  return name;
}

/** importing: the example spec (ECDSA leaves, one year) importing `cert`/`key`. */
function importing(cert: string, k: string) {
  return clusterFrom(dir, (s) => Object.assign(s.pki, { ca: { certFile: cert, keyFile: k }, key: { algo: "ecdsa", size: 256 }, expiry: "8760h" }));
}

async function refusal(cert: string, k: string, field: "certFile" | "keyFile" = "certFile"): Promise<InputError> {
  const c = importing(cert, k);
  const err = await reconcilePki(c, new Map(), fixedDeps(today())).catch((e) => e);
  assert.instance(err, InputError, String(err));
  assert.is(err.problems[0]?.file, c.file, "the problem names the spec");
  assert.is(err.problems[0]?.pointer, `/pki/ca/${field}`);
  assert.ok(err.message.startsWith(`${at(field === "certFile" ? cert : k)}: `), `the message names the file: ${err.message}`);
  return err as InputError;
}

const ec = has ? key("ec", "ec:P-256") : "";
const good = has ? root("good-root", ec) : "";

const weak = suite("imported CAs: keys and signatures");

weak("should refuse an RSA key under 2048 bits", async () => {
  if (!has) return;
  const k = key("rsa1024", "rsa:1024");
  const err = await refusal(root("rsa1024-ca", k), k);
  assert.is(err.code, "ca-weak-key");
  assert.match(err.message, /: O=acme, CN=rsa1024-ca has an RSA key of 1024 bits; kubebundle accepts RSA of at least 2048 bits or ECDSA on P-256 or P-384$/);
});

weak("should refuse a CA key on a curve other than P-256 and P-384, and such a key anywhere in the chain", async () => {
  if (!has) return;
  const k521 = key("p521", "ec:P-521");
  const own = await refusal(root("p521-ca", k521, { digest: "sha512" }), k521, "keyFile");
  assert.is(own.code, "ca-key-unsupported");
  assert.match(own.message, /an ec key on secp521r1 cannot sign here; use rsa or ecdsa P-256\/P-384/);
  const inter = signed("under-p521", ec, { cert: "p521-ca.pem", key: k521 });
  const chained = await refusal(bundle("under-p521-chain.pem", inter, "p521-ca.pem"), ec);
  assert.is(chained.code, "ca-weak-key");
  assert.match(chained.message, /certificate 2 of the file \(O=acme, CN=p521-ca\) has an EC key on P-521;/);
});

weak("should refuse a SHA-1 or MD5 signature, on the CA or on a certificate of its chain", async () => {
  if (!has) return;
  const sha1 = await refusal(root("sha1-ca", ec, { digest: "sha1" }), ec);
  assert.is(sha1.code, "ca-weak-signature");
  assert.match(sha1.message, /O=acme, CN=sha1-ca is signed with ecdsa-with-SHA1, which can be forged; re-issue it signed with SHA-256 or better$/);
  const rk = key("rsa-md5", "rsa:2048");
  const md5 = await refusal(root("md5-ca", rk, { digest: "md5" }), rk);
  assert.is(md5.code, "ca-weak-signature");
  assert.match(md5.message, /is signed with md5WithRSAEncryption/);
  const ik = key("inter-sha1", "ec:P-256");
  const inter = signed("inter-sha1", ik, { cert: good, key: ec }, { digest: "sha1" });
  const chained = await refusal(bundle("inter-sha1-chain.pem", inter, good), ik);
  assert.is(chained.code, "ca-weak-signature");
  assert.match(chained.message, /CN=inter-sha1 is signed with ecdsa-with-SHA1/);
});

const names = suite("imported CAs: nameConstraints and pathLen");

names("should refuse nameConstraints that exclude a node IP, or whose permitted subtrees leave one out", async () => {
  if (!has) return;
  const excluded = await refusal(root("nc-excluded", ec, { ext: "nameConstraints = critical,excluded;IP:103.172.0.0/255.255.0.0" }), ec);
  assert.is(excluded.code, "ca-name-constraints");
  assert.match(excluded.message, /the nameConstraints of O=acme, CN=nc-excluded forbid names kubebundle writes into the certificates it signs: IP 103\.172\.239\.9 is excluded \(IP 103\.172\.0\.0\/16\); /);
  const permitted = await refusal(root("nc-permitted", ec, { ext: "nameConstraints = critical,permitted;IP:10.0.0.0/255.0.0.0" }), ec);
  assert.match(permitted.message, /IP 127\.0\.0\.1 is outside the permitted IP 10\.0\.0\.0\/8/);
  const dn = await refusal(root("nc-dirname", ec, { ext: "nameConstraints = critical,permitted;dirName:dirs" }), ec);
  assert.match(dn.message, /subject C=CN, ST=BeiJing, L=BeiJing, O=system:kube-controller-manager, OU=opsnull, CN=system:kube-controller-manager is outside the permitted directoryName C=US/);
});

names("should accept nameConstraints that hold every name, and DNS constraints (kubebundle writes no DNS name here)", async () => {
  if (!has) return;
  const ext = "nameConstraints = critical,permitted;IP:103.172.0.0/255.255.0.0,permitted;IP:127.0.0.0/255.0.0.0,permitted;DNS:.cluster.local,excluded;IP:10.0.0.0/255.0.0.0";
  const r = await reconcilePki(importing(root("nc-fits", ec, { ext }), ec), new Map(), fixedDeps(today()));
  assert.is(r.events[0]!.action, "imported");
});

names("should refuse a root whose pathLen 0 forbids the intermediate CA below it, and accept an intermediate with pathLen 0", async () => {
  if (!has) return;
  const rk = key("root-pl0", "ec:P-256");
  const strict = root("root-pl0", rk, { ext: "basicConstraints = critical,CA:TRUE,pathlen:0" });
  const ik = key("under-pl0", "ec:P-256");
  const err = await refusal(bundle("under-pl0-chain.pem", signed("under-pl0", ik, { cert: strict, key: rk }), strict), ik);
  assert.is(err.code, "ca-path-length");
  assert.match(err.message, /certificate 2 of the file \(O=acme, CN=root-pl0\) has pathLenConstraint 0, which forbids the 1 CA certificate below it$/);
  const lk = key("leafy", "ec:P-256");
  const pl0 = signed("inter-pl0", lk, { cert: good, key: ec }, { basic: "basicConstraints = critical,CA:TRUE,pathlen:0\nkeyUsage = critical,keyCertSign\nsubjectKeyIdentifier = hash" });
  const r = await reconcilePki(importing(bundle("inter-pl0-chain.pem", pl0, good), lk), new Map(), fixedDeps(today()));
  assert.is(r.events[0]!.action, "imported");
});

const chains = suite("imported CAs: an intermediate and its chain");

chains("should keep the chain of an intermediate in out/pki/ca.pem and ship it to kubeconfigs and admin/ca.pem, never to the signing file", async () => {
  if (!has) return;
  const ik = key("inter", "ec:P-256");
  const inter = signed("inter", ik, { cert: good, key: ec });
  const c = importing(bundle("inter-chain.pem", inter, good), ik);
  const r = await reconcilePki(c, new Map(), realDeps());
  assert.match(r.events[0]!.detail, /with its chain up to O=acme, CN=good-root \(1 issuer\)$/);
  const ders = (pem: string) => certificateDers(pem).map((d) => Buffer.from(d).toString("hex"));
  const [interDer, rootDer] = [...ders(readFileSync(at(inter), "utf8")), ...ders(readFileSync(at(good), "utf8"))];
  assert.equal(ders(r.files.get("ca.pem")!), [interDer, rootDer], "out/pki/ca.pem: the CA, then its issuer");
  assert.equal(ders(r.certs.ca!.cert), [interDer], "the CA alone, for --cluster-signing-cert-file");
  assert.equal(ders(r.certs.ca!.chain!), [interDer, rootDer]);
  // The next run reads the chain back from out/pki: nothing changes.
  const again = await reconcilePki(c, r.files, realDeps());
  assert.equal([...again.files], [...r.files]);
  assert.equal(again.events.map((e) => e.action), ["imported", "reused", "reused", "reused", "reused"]);
  // Without pki.ca, the CA in out/pki is reused with its chain.
  const stored = await reconcilePki(clusterFrom(dir, (s) => Object.assign(s.pki, { key: { algo: "ecdsa", size: 256 }, expiry: "8760h" })), r.files, realDeps());
  assert.equal(stored.events.map((e) => e.action), ["reused", "reused", "reused", "reused", "reused"]);
  assert.is(stored.files.get("ca.pem"), r.files.get("ca.pem"));
  assert.equal(ders(stored.certs.ca!.cert), [interDer]);
});

chains("should refuse an intermediate without its root, a chain out of order, and a chain that skips an issuer", async () => {
  if (!has) return;
  const ik = key("lonely", "ec:P-256");
  const lonely = signed("lonely", ik, { cert: good, key: ec });
  const alone = await refusal(lonely, ik);
  assert.is(alone.code, "ca-chain-incomplete");
  assert.match(alone.message, /O=acme, CN=lonely is not self-signed \(issuer O=acme, CN=good-root\); append its issuers to the file, up to the self-signed root/);
  const reversed = await refusal(bundle("reversed.pem", good, lonely), ec);
  assert.is(reversed.code, "ca-chain-broken");
  assert.match(reversed.message, /certificate 2 of the file \(O=acme, CN=lonely\) did not issue O=acme, CN=good-root; list the CA first, then each issuer in turn up to the root$/);
  const mk = key("middle", "ec:P-256");
  const middle = signed("middle", mk, { cert: good, key: ec });
  const lk = key("lower", "ec:P-256");
  const lower = signed("lower", lk, { cert: middle, key: mk });
  const skipped = await refusal(bundle("skipped.pem", lower, good), lk);
  assert.is(skipped.code, "ca-chain-broken");
  const partial = await refusal(bundle("partial.pem", lower, middle), lk);
  assert.is(partial.code, "ca-chain-incomplete");
  assert.match(partial.message, /the chain ends at certificate 2 of the file \(O=acme, CN=middle\), which is not self-signed/);
  const r = await reconcilePki(importing(bundle("full.pem", lower, middle, good), lk), new Map(), fixedDeps(today()));
  assert.match(r.events[0]!.detail, /\(2 issuers\)$/);
});

chains("generate with an intermediate: openssl verifies the issued certificates against admin/ca.pem and the kubeconfig's CA data, inspect finds every chain", async () => {
  if (!has) return;
  const ik = key("gen-inter", "ec:P-256");
  const inter = signed("gen-inter", ik, { cert: good, key: ec });
  const chain = bundle("gen-inter-chain.pem", inter, good);
  const spec = at("gen-cluster.json");
  const s = JSON.parse(readFileSync(clusterFrom(dir).file, "utf8"));
  Object.assign(s.pki, { ca: { certFile: chain, keyFile: ik }, key: { algo: "ecdsa", size: 256 }, expiry: "8760h" });
  writeFileSync(spec, JSON.stringify(s));
  const out = at("gen-out");
  const g = await cli("generate", spec, "--out", out);
  assert.is(g.code, 0, g.err);
  const node = path.join(out, "nodes", "idc-k8s-01", "rootfs", "etc", "kubernetes");
  const kcm = path.join(node, "cert", "kube-controller-manager.pem");
  assert.is(ossl("verify", "-CAfile", path.join(out, "admin", "ca.pem"), kcm).trim(), `${kcm}: OK`);
  assert.is(ossl("verify", "-CAfile", path.join(out, "admin", "ca.pem"), path.join(out, "admin", "admin.pem")).trim(), `${path.join(out, "admin", "admin.pem")}: OK`);
  const kubeconfig = readFileSync(path.join(node, "kube-controller-manager.kubeconfig"), "utf8");
  writeFileSync(at("kubeconfig-ca.pem"), Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)![1]!, "base64"));
  assert.is(ossl("verify", "-CAfile", at("kubeconfig-ca.pem"), kcm).trim(), `${kcm}: OK`);
  assert.is(certificateDers(readFileSync(path.join(node, "cert", "ca.pem"), "utf8")).length, 1, "the node's ca.pem, named by --cluster-signing-cert-file, holds one certificate");
  const i = await cli("inspect", out, "--json");
  assert.is(i.code, 0, i.out);
  const report = JSON.parse(i.out);
  assert.equal(report.problems, []);
  assert.ok(report.certificates.every((c: any) => c.chains), "every certificate chains to a self-signed root");
  const ca = report.certificates.find((c: any) => c.file === "pki/ca.pem");
  assert.equal([ca.subject, ca.chainedTo], ["O=acme, CN=gen-inter", "pki/ca.pem#2"]);
  const bundleReport = JSON.parse((await cli("inspect", path.join(out, "bundles", "idc-k8s-01.tar.gz"), "--json")).out);
  assert.equal(bundleReport.problems, [], "a node tarball alone carries the root in its kubeconfig");
});

const stored = suite("the CA in out/pki/: the same rules");

stored("should refuse a weak CA found in out/pki/, naming the file", async () => {
  if (!has) return;
  const k = key("stored-1024", "rsa:1024");
  const cert = root("stored-1024", k);
  const files = new Map([["ca.pem", readFileSync(at(cert), "utf8")], ["ca-key.pem", readFileSync(at(k), "utf8")]]);
  const err = await reconcilePki(clusterFrom(dir), files, fixedDeps(today())).catch((e) => e);
  assert.instance(err, InputError);
  assert.is(err.code, "ca-weak-key");
  assert.is(err.message, "pki/ca.pem: O=acme, CN=stored-1024 has an RSA key of 1024 bits; kubebundle accepts RSA of at least 2048 bits or ECDSA on P-256 or P-384");
});

stored.after(() => t.cleanup());
weak.run();
names.run();
chains.run();
stored.run();
