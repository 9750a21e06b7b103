import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SIGNATURE_OID, signatureAlgorithm, signatureAlgorithmName } from "../../../src/pki/x509/algorithms.js";

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

test("signatureAlgorithm should name every algorithm by its own OID", () => {
  for (const k of [{ algo: "rsa", size: 2048 }, { algo: "ecdsa", size: 256 }, { algo: "ecdsa", size: 384 }] as const) {
    const a = signatureAlgorithm(k);
    assert.is(a.oid, SIGNATURE_OID[a.name]);
    assert.is(signatureAlgorithmName(a.oid), a.name);
  }
});

test("signatureAlgorithmName should name a known OID and give back an unknown one", () => {
  assert.is(signatureAlgorithmName("1.2.840.10045.4.3.3"), "ecdsa-with-SHA384");
  assert.is(signatureAlgorithmName("1.2.3.4"), "1.2.3.4");
});

test.run();
