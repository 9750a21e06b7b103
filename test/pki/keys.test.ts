import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import {
  generateKeyPair,
  importKeyPair,
  isEncryptedPem,
  keyPem,
  keyPool,
  keyTypeName,
  keyTypeOf,
  newKeyObject,
  readKeyObject,
  sameKeyType,
  type KeyType,
} from "../../src/pki/keys.js";
import { pemBlocks } from "../../src/pki/x509/pem.js";
import { countingKeys } from "./_support.js";

const crypto = globalThis.crypto as any;
const EC: KeyType = { algo: "ecdsa", size: 256 };

const types = suite("keys: types");

types("keyTypeOf should read RSA and EC keys and refuse what cannot sign here", () => {
  assert.equal(keyTypeOf(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey), { algo: "rsa", size: 1024 });
  assert.equal(keyTypeOf(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey), { algo: "ecdsa", size: 384 });
  assert.is(keyTypeOf(generateKeyPairSync("ec", { namedCurve: "P-521" }).privateKey), null);
  assert.is(keyTypeOf(generateKeyPairSync("ed25519").privateKey), null);
  assert.is(keyTypeOf(generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).privateKey), null);
});

types("keyTypeName and sameKeyType should name and compare types as inspect prints them", () => {
  assert.is(keyTypeName({ algo: "rsa", size: 3072 }), "rsa-3072");
  assert.is(keyTypeName({ algo: "ecdsa", size: 256 }), "ecdsa-P-256");
  assert.ok(sameKeyType({ algo: "rsa", size: 2048 }, { algo: "rsa", size: 2048 }));
  assert.not.ok(sameKeyType({ algo: "rsa", size: 2048 }, { algo: "rsa", size: 4096 }));
});

const make = suite("keys: new keys");

make("generateKeyPair should make keys of the asked type from the key source, written as PKCS#1 or SEC1", async () => {
  const counting = countingKeys();
  const source = { newKey: counting.newKey, crypto };
  const rsa = await generateKeyPair({ algo: "rsa", size: 2048 }, source);
  const ec = await generateKeyPair({ algo: "ecdsa", size: 384 }, source);
  assert.is(counting.generated, 2);
  assert.equal(rsa.type, { algo: "rsa", size: 2048 });
  assert.equal(ec.type, { algo: "ecdsa", size: 384 });
  assert.is(rsa.signKey.algorithm.name, "RSASSA-PKCS1-v1_5");
  assert.is(ec.signKey.algorithm.name, "ECDSA");
  assert.equal(pemBlocks(rsa.pem).map((b) => b.label), ["RSA PRIVATE KEY"]);
  assert.equal(pemBlocks(ec.pem).map((b) => b.label), ["EC PRIVATE KEY"]);
  assert.equal(createPrivateKey(rsa.pem).asymmetricKeyDetails, { modulusLength: 2048, publicExponent: 65537n });
  assert.is(createPrivateKey(ec.pem).asymmetricKeyDetails!.namedCurve, "secp384r1");
  assert.equal(Buffer.from(ec.spki), createPublicKey(ec.keyObject).export({ type: "spki", format: "der" }));
});

make("newKeyObject should make RSA keys of the asked size with e = 65537, P-256 and P-384 keys, and refuse an RSA modulus under 2048 bits", async () => {
  assert.equal((await newKeyObject({ algo: "rsa", size: 3072 })).asymmetricKeyDetails, { modulusLength: 3072, publicExponent: 65537n });
  assert.is((await newKeyObject({ algo: "ecdsa", size: 256 })).asymmetricKeyDetails!.namedCurve, "prime256v1");
  assert.is((await newKeyObject({ algo: "ecdsa", size: 384 })).asymmetricKeyDetails!.namedCurve, "secp384r1");
  const err = await newKeyObject({ algo: "rsa", size: 1024 }).catch((e: Error) => e);
  assert.instance(err, Error);
  assert.match((err as Error).message, /at least 2048/);
  const p521 = await newKeyObject({ algo: "ecdsa", size: 521 }).catch((e: Error) => e);
  assert.match((p521 as Error).message, /unsupported ecdsa size 521/);
});

make("keyPool should start `count` keys at once and hand them out for an equal (not identical) key type", async () => {
  const counting = countingKeys();
  const pool = keyPool(2, EC, { newKey: counting.newKey, crypto });
  assert.is(counting.generated, 2, "both keys started before any take");
  const a = await pool.take({ algo: "ecdsa", size: 256 });
  const b = await pool.take({ ...EC });
  assert.is(counting.generated, 2, "the prefetched keys were used");
  assert.is.not(a.pem, b.pem);
});

make("keyPool should generate on demand once the pool is empty or for another key type", async () => {
  const counting = countingKeys();
  const pool = keyPool(1, EC, { newKey: counting.newKey, crypto });
  await pool.take(EC);
  const other = await pool.take({ algo: "ecdsa", size: 384 });
  const more = await pool.take(EC);
  assert.is(counting.generated, 3);
  assert.equal(other.type, { algo: "ecdsa", size: 384 });
  assert.equal(more.type, EC);
});

const read = suite("keys: reading");

read("readKeyObject and importKeyPair should take PKCS#1, SEC1 and PKCS#8 PEM alike", async () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  for (const type of ["sec1", "pkcs8"] as const) {
    const pair = await importKeyPair(readKeyObject(privateKey.export({ type, format: "pem" }).toString()), crypto);
    assert.equal(pair!.type, { algo: "ecdsa", size: 256 });
    assert.is(pair!.pem, keyPem(privateKey));
  }
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const pair = await importKeyPair(readKeyObject(rsa.export({ type: "pkcs8", format: "pem" }).toString()), crypto);
  assert.match(pair!.pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
  assert.is(await importKeyPair(generateKeyPairSync("ed25519").privateKey, crypto), null);
});

read("isEncryptedPem should spot PKCS#8 and legacy encrypted keys; readKeyObject should throw on them", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  const pkcs8 = rsa.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" }).toString();
  const legacy = rsa.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "x" }).toString();
  assert.ok(isEncryptedPem(pkcs8));
  assert.ok(isEncryptedPem(legacy));
  assert.not.ok(isEncryptedPem(keyPem(rsa)));
  assert.throws(() => readKeyObject(pkcs8));
  assert.throws(() => readKeyObject("not a key"));
});

types.run();
make.run();
read.run();
