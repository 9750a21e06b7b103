import { suite } from "uvu";
import * as assert from "uvu/assert";
import { generateKeyPairSync } from "node:crypto";
import { keyTypeName, keyTypeOf, sameKeyType, signatureAlgorithm, signatureAlgorithmName } from "../../src/pki/algorithms.js";

const test = suite("algorithms");

test("signatureAlgorithm should pick sha256WithRSAEncryption for every RSA size and the curve's hash for ECDSA", () => {
  const got = [2048, 3072, 4096].map((size) => signatureAlgorithm({ algo: "rsa", size }));
  for (const a of got) assert.equal([a.oid, a.nullParams, a.webcrypto], ["1.2.840.113549.1.1.11", true, { name: "RSASSA-PKCS1-v1_5" }]);
  const p256 = signatureAlgorithm({ algo: "ecdsa", size: 256 });
  assert.equal([p256.oid, p256.nullParams, p256.webcrypto], ["1.2.840.10045.4.3.2", false, { name: "ECDSA", hash: "SHA-256" }]);
  const p384 = signatureAlgorithm({ algo: "ecdsa", size: 384 });
  assert.equal([p384.oid, p384.webcrypto.hash], ["1.2.840.10045.4.3.3", "SHA-384"]);
  assert.throws(() => signatureAlgorithm({ algo: "ecdsa", size: 521 }), /unsupported ecdsa size 521/);
});

test("keyTypeOf should read RSA and EC keys and refuse what cannot sign here", () => {
  assert.equal(keyTypeOf(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey), { algo: "rsa", size: 1024 });
  assert.equal(keyTypeOf(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey), { algo: "ecdsa", size: 384 });
  assert.is(keyTypeOf(generateKeyPairSync("ec", { namedCurve: "P-521" }).privateKey), null);
  assert.is(keyTypeOf(generateKeyPairSync("ed25519").privateKey), null);
  assert.is(keyTypeOf(generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).privateKey), null);
});

test("keyTypeName, sameKeyType and signatureAlgorithmName should name things as inspect prints them", () => {
  assert.is(keyTypeName({ algo: "rsa", size: 3072 }), "rsa-3072");
  assert.is(keyTypeName({ algo: "ecdsa", size: 256 }), "ecdsa-P-256");
  assert.ok(sameKeyType({ algo: "rsa", size: 2048 }, { algo: "rsa", size: 2048 }));
  assert.not.ok(sameKeyType({ algo: "rsa", size: 2048 }, { algo: "rsa", size: 4096 }));
  assert.is(signatureAlgorithmName("1.2.840.10045.4.3.3"), "ecdsa-with-SHA384");
  assert.is(signatureAlgorithmName("1.2.3.4"), "1.2.3.4");
});

test.run();
