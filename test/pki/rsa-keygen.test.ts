import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createPublicKey, generatePrimeSync, sign, verify } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { generateRsaKey, modInverse, rsaFromPrimes, RSA_E } from "../../src/pki/rsa-keygen.js";
import { needTool, run, tmp } from "../helpers/tools.js";

const test = suite("rsa-keygen");
const t = tmp("rsa-keygen-");
test.after(() => t.cleanup());

/** big: a JWK integer as a bigint. */
const big = (b64u: string) => BigInt(`0x${Buffer.from(b64u, "base64url").toString("hex")}`);

for (const bits of [2048, 3072]) {
  test(`generateRsaKey(${bits}) should make a key that meets FIPS 186-4's conditions and signs`, async () => {
    const key = await generateRsaKey(bits);
    assert.equal(key.asymmetricKeyDetails, { modulusLength: bits, publicExponent: 65537n });
    const jwk = key.export({ format: "jwk" });
    const [n, d, p, q] = [jwk.n!, jwk.d!, jwk.p!, jwk.q!].map(big) as [bigint, bigint, bigint, bigint];
    assert.is(p * q, n);
    assert.is(p.toString(2).length, bits / 2);
    assert.is(q.toString(2).length, bits / 2);
    assert.ok((p > q ? p - q : q - p) > 1n << BigInt(bits / 2 - 100), "|p - q| too small");
    assert.ok(d > 1n << BigInt(bits / 2), "d too small");
    assert.is((RSA_E * d) % (((p - 1n) * (q - 1n)) / gcdOf(p - 1n, q - 1n)), 1n);
    assert.is((q * big(jwk.qi!)) % p, 1n);
    const data = Buffer.from("kubebundle");
    assert.ok(verify("sha256", data, createPublicKey(key), sign("sha256", data, key)));
  });
}

function gcdOf(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcdOf(b, a % b);
}

test("generated keys should differ from run to run", async () => {
  const [a, b] = await Promise.all([generateRsaKey(2048), generateRsaKey(2048)]);
  assert.is.not(a.export({ format: "jwk" }).n, b.export({ format: "jwk" }).n);
});

test("generateRsaKey should refuse odd, small and fractional sizes", async () => {
  for (const bits of [1024, 2047, 2048.5]) {
    const err = await generateRsaKey(bits).catch((e: Error) => e);
    assert.instance(err, Error, `${bits}`);
    assert.match((err as Error).message, /even number of at least 2048/);
  }
});

/** fitPrime: a 1024-bit prime with e not dividing p-1 (1 in 65537 fresh primes fails that). */
function fitPrime(): bigint {
  for (;;) {
    const p = generatePrimeSync(1024, { bigint: true });
    if ((p - 1n) % RSA_E !== 0n) return p;
  }
}

test("rsaFromPrimes should refuse equal or close primes, short primes and p-1 divisible by e", () => {
  const p = fitPrime();
  assert.is(rsaFromPrimes(p, p, 2048), null);
  assert.is(rsaFromPrimes(p, p + 2n ** 900n, 2048), null, "|p - q| <= 2^924");
  const short = generatePrimeSync(1000, { bigint: true });
  assert.is(rsaFromPrimes(p, short, 2048), null);
  const eDivides = generatePrimeSync(1024, { bigint: true, add: RSA_E * 2n, rem: 1n });
  assert.is((eDivides - 1n) % RSA_E, 0n);
  const other = fitPrime();
  assert.is(rsaFromPrimes(eDivides, other, 2048), null);
  assert.ok(rsaFromPrimes(p, other, 2048), "two fresh 1024-bit primes make a key");
});

test("modInverse should invert where an inverse exists and throw where none does", () => {
  assert.is(modInverse(3n, 11n), 4n);
  assert.is(modInverse(-3n, 11n), 7n);
  assert.is((RSA_E * modInverse(RSA_E, 2n ** 127n - 2n)) % (2n ** 127n - 2n), 1n);
  assert.throws(() => modInverse(6n, 9n), /no modular inverse/);
});

test("openssl rsa -check should accept a generated key", async () => {
  if (!needTool("openssl", "RSA key consistency check")) return;
  const file = path.join(t.dir, "key.pem");
  writeFileSync(file, (await generateRsaKey(2048)).export({ type: "pkcs1", format: "pem" }));
  assert.match(run("openssl", ["rsa", "-check", "-noout", "-in", file]), /RSA key ok/);
});

test.run();
