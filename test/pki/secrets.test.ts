// The secrets of out/pki that are not certificates: made once, reused byte for byte, a lost encryption key refused (exit 2
// material: an InputError naming the file and the way back), a changed service-account key warned about. Real keys from
// OpenSSL; openssl reads the pair back when it is installed.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { keyTypeOf } from "../../src/pki/keys.js";
import { SECRET_FILES, SECRET_FILE_NAMES, recordedSecrets, resolveSecrets, spkiFingerprint, type SecretsInput } from "../../src/pki/secrets.js";
import { readPkiDir, type PkiFiles } from "../../src/pki/state.js";
import { needTool, run, withTmp } from "../helpers/tools.js";

const CA_KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
const INPUT: SecretsInput = { trust: "separate", keyType: { algo: "ecdsa", size: 256 }, caKeyPem: CA_KEY, encryption: true, provider: "aescbc", serviceAccount: true };

const test = suite("out/pki secrets");

/** refused: the InputError a promise rejects with; fails when it resolves. */
async function refused(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, InputError);
    return e as InputError;
  }
  throw new assert.Assertion({ message: "expected an InputError", actual: "resolved", expects: "rejected", operator: "rejects", generated: false });
}

test("should make a 32-byte encryption key and a PKCS#8/SPKI service-account pair of pki.key's algorithm on a fresh out/pki", async () => {
  const r = await resolveSecrets(new Map(), INPUT);
  assert.equal([...r.files.keys()].sort(), ["encryption.key", "sa.key", "sa.pub"]);
  assert.is(Buffer.from(r.encryptionKey!, "base64").length, 32);
  assert.is(r.files.get("encryption.key"), `${r.encryptionKey}\n`);
  assert.match(r.files.get("sa.key")!, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(r.files.get("sa.pub")!, /^-----BEGIN PUBLIC KEY-----\n/);
  const key = createPrivateKey(r.files.get("sa.key")!);
  assert.equal(keyTypeOf(key), { algo: "ecdsa", size: 256 });
  assert.is(spkiFingerprint(createPublicKey(r.files.get("sa.pub")!)), spkiFingerprint(key), "sa.pub is sa.key's public key");
  assert.equal(r.events.map((e) => [e.id, e.action]), [["encryption-key", "created"], ["service-account-key", "created"]]);
  assert.equal(r.records.map((x) => x.id), ["encryption-key", "service-account-key"]);
  assert.equal(r.warnings, []);
  const rsa = await resolveSecrets(new Map(), { ...INPUT, keyType: { algo: "rsa", size: 2048 } });
  assert.equal(keyTypeOf(createPrivateKey(rsa.files.get("sa.key")!)), { algo: "rsa", size: 2048 });
});

test("should reuse every stored secret byte for byte, read back from out/pki with readPkiDir", async () => {
  await withTmp(async (t) => {
    const first = await resolveSecrets(new Map(), INPUT);
    const dir = path.join(t.dir, "pki");
    mkdirSync(dir);
    for (const [name, text] of first.files) writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    writeFileSync(path.join(dir, "unrelated.txt"), "not read");
    const previous = readPkiDir(dir, SECRET_FILE_NAMES);
    assert.equal([...previous.keys()], ["encryption.key", "sa.key", "sa.pub"]);
    assert.equal([...readPkiDir(dir).keys()], [], "without the names, only *.pem is read");
    const again = await resolveSecrets(previous, INPUT, first.records);
    assert.equal(again.files, first.files);
    assert.is(again.encryptionKey, first.encryptionKey);
    assert.equal(again.events.map((e) => e.action), ["reused", "reused"]);
    assert.equal(again.warnings, []);
    assert.equal(again.records, first.records);
    if (needTool("openssl", "openssl reads sa.key and derives sa.pub")) {
      assert.is(run("openssl", ["pkey", "-in", path.join(dir, "sa.key"), "-pubout"]), first.files.get("sa.pub"));
    }
  });
});

test("should refuse a missing encryption key that the last run recorded, naming the file and how to restore it", async () => {
  const first = await resolveSecrets(new Map(), INPUT);
  const previous: PkiFiles = new Map([...first.files].filter(([n]) => n !== SECRET_FILES.encryptionKey));
  const err = await refused(resolveSecrets(previous, INPUT, first.records));
  assert.is(err.code, "pki-state-lost");
  assert.match(err.message, /^pki\/encryption\.key: missing, but manifest\.json says the last run made the cluster's encryption-at-rest key there/);
  assert.match(err.message, /Secrets .* would be unreadable/);
  assert.match(err.message, /Restore pki\/encryption\.key from the backup/);
  const unrecorded = await resolveSecrets(previous, INPUT, []);
  assert.is(unrecorded.events[0]!.action, "created", "without a record, a first key is made");
  const none = await resolveSecrets(new Map(), { ...INPUT, encryption: false });
  assert.is(none.encryptionKey, null);
  assert.not.ok(none.files.has("encryption.key"));
});

test("should refuse an encryption key whose bytes are not the recorded one, and keep earlier providers for reading", async () => {
  const first = await resolveSecrets(new Map(), INPUT);
  assert.equal(first.records.find((r) => r.id === "encryption-key")!.providers, ["aescbc"]);
  // Another valid key in the file: the Secrets stored with the recorded one would be unreadable.
  const other: PkiFiles = new Map([...first.files, [SECRET_FILES.encryptionKey, `${Buffer.alloc(32, 1).toString("base64")}\n`]]);
  const err = await refused(resolveSecrets(other, INPUT, first.records));
  assert.is(err.code, "pki-state-changed");
  assert.match(err.message, /^pki\/encryption\.key: not the encryption key the last run wrote/);
  // A new provider encrypts; the one before stays, newest first, and so on.
  const box = await resolveSecrets(first.files, { ...INPUT, provider: "secretbox" }, first.records);
  assert.equal(box.previousProviders, ["aescbc"]);
  assert.is(box.encryptionKey, first.encryptionKey);
  assert.equal(box.records.find((r) => r.id === "encryption-key")!.providers, ["secretbox", "aescbc"]);
  const gcm = await resolveSecrets(first.files, { ...INPUT, provider: "aesgcm" }, box.records);
  assert.equal(gcm.previousProviders, ["secretbox", "aescbc"]);
  const back = await resolveSecrets(first.files, INPUT, gcm.records);
  assert.equal(back.previousProviders, ["aesgcm", "secretbox"], "back to aescbc: it encrypts, the others still read");
  // A hand-edited record naming no provider kubebundle knows is ignored.
  const odd = await resolveSecrets(first.files, INPUT, [{ ...first.records[0]!, providers: ["kms", 3, "secretbox"] }]);
  assert.equal(odd.previousProviders, ["secretbox"]);
});

test("should refuse a damaged encryption key or service-account key instead of replacing it", async () => {
  for (const bad of ["", "c2hvcnQ=\n", "not base64 at all\n", `${Buffer.alloc(32, 1).toString("base64")}\nextra\n`]) {
    assert.match((await refused(resolveSecrets(new Map([["encryption.key", bad]]), INPUT))).message, /not an encryption key/, JSON.stringify(bad));
  }
  assert.match((await refused(resolveSecrets(new Map([["sa.key", "garbage"]]), INPUT))).message, /sa\.key: not an unencrypted PEM private key/);
});

test("should write sa.pub again from sa.key when it is missing or not its pair", async () => {
  const first = await resolveSecrets(new Map(), INPUT);
  const other = await resolveSecrets(new Map(), INPUT);
  for (const pub of [undefined, other.files.get("sa.pub")!]) {
    const previous: PkiFiles = new Map([["sa.key", first.files.get("sa.key")!], ...(pub ? [["sa.pub", pub] as [string, string]] : [])]);
    const r = await resolveSecrets(previous, INPUT, first.records.filter((x) => x.id === "service-account-key"));
    assert.is(r.files.get("sa.key"), first.files.get("sa.key"));
    assert.is(r.files.get("sa.pub"), first.files.get("sa.pub"));
    assert.match(r.events[1]!.detail, /sa\.pub written again from it/);
    assert.equal(r.warnings, []);
  }
});

test("should warn that every existing token stops verifying when the service-account key changes (single to separate, a lost sa.key)", async () => {
  const single = await resolveSecrets(new Map(), { ...INPUT, trust: "single" });
  assert.not.ok(single.files.has("sa.key"), "single trust: the CA key signs tokens, no pair is made");
  assert.is(single.serviceAccount.keyPem, CA_KEY);
  assert.is(single.serviceAccount.fingerprint, spkiFingerprint(createPrivateKey(CA_KEY)));
  const separate = await resolveSecrets(new Map(), INPUT, recordedSecrets({ secrets: single.records.filter((x) => x.id === "service-account-key") }));
  assert.is(separate.warnings.length, 1);
  assert.match(separate.warnings[0]!, /^the service-account signing key changed \(now sa\.key, .*every existing service-account token stops verifying/);
  const back = await resolveSecrets(separate.files, { ...INPUT, trust: "single" }, separate.records);
  assert.match(back.warnings[0]!, /now the cluster CA key/);
  assert.is(back.files.get("sa.key"), separate.files.get("sa.key"), "the pair is kept in out/pki, unused");
  const lost = await resolveSecrets(new Map([["encryption.key", separate.files.get("encryption.key")!]]), INPUT, separate.records);
  assert.is(lost.warnings.length, 1, "a new pair after a lost sa.key is warned about");
});

test("should read the manifest's secrets record defensively", () => {
  assert.equal(recordedSecrets(undefined), []);
  assert.equal(recordedSecrets({ secrets: 5 }), []);
  assert.equal(recordedSecrets({ secrets: [null, 3, { id: "encryption-key" }] }), [{ id: "encryption-key" }]);
});

test.run();
