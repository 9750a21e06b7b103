// RSA private keys from two OpenSSL primes (FIPS 186-4 B.3.3 style, as Go's crypto/rsa does):
// OpenSSL 3.0's own RSA key generation measures ~280 ms per 2048-bit key here, two
// `crypto.generatePrime(1024)` calls ~2 x 42 ms, and those two run on separate threads.
import { createPrivateKey, generatePrime, type KeyObject } from "node:crypto";

/** RSA_E: the public exponent every generated key uses (F4, like cfssl and Go). */
export const RSA_E = 65537n;

/** prime: a random prime of exactly `bits` bits with its top two bits set (OpenSSL's BN_generate_prime). */
function prime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p as bigint))));
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** modInverse: x with a*x = 1 (mod m); throws when a and m share a factor. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("no modular inverse");
  return ((s0 % m) + m) % m;
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** RsaParts: the CRT form of an RSA private key (PKCS#1 RSAPrivateKey's integers). */
export interface RsaParts {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qi: bigint;
}

/**
 * rsaFromPrimes: the private key of primes `a` and `b` for a modulus of `bits` bits, or null when
 * the pair fails a FIPS 186-4 condition: each prime of bits/2 bits with e coprime to p-1,
 * |p - q| > 2^(bits/2 - 100), n of exactly `bits` bits, d > 2^(bits/2). d = e^-1 mod lcm(p-1, q-1).
 */
export function rsaFromPrimes(a: bigint, b: bigint, bits: number): RsaParts | null {
  const half = bits / 2;
  const [p, q] = a > b ? [a, b] : [b, a];
  if (bitLength(p) !== half || bitLength(q) !== half) return null;
  if (p - q <= 1n << BigInt(half - 100)) return null;
  if ((p - 1n) % RSA_E === 0n || (q - 1n) % RSA_E === 0n) return null;
  const n = p * q;
  if (bitLength(n) !== bits) return null;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(RSA_E, lambda);
  if (d <= 1n << BigInt(half)) return null;
  return { n, e: RSA_E, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: modInverse(q, p) };
}

/** b64u: a non-negative integer as the unsigned big-endian base64url a JWK carries. */
function b64u(x: bigint): string {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

/** rsaKeyObject: the node private key of `parts` (through a JWK, which OpenSSL reads into a full RSA key). */
export function rsaKeyObject(parts: RsaParts): KeyObject {
  const { n, e, d, p, q, dp, dq, qi } = parts;
  const jwk = { kty: "RSA", n: b64u(n), e: b64u(e), d: b64u(d), p: b64u(p), q: b64u(q), dp: b64u(dp), dq: b64u(dq), qi: b64u(qi) };
  return createPrivateKey({ key: jwk, format: "jwk" });
}

/** generateRsaKey: a new RSA private key with a modulus of `bits` bits (an even number, 2048 or more). */
export async function generateRsaKey(bits: number): Promise<KeyObject> {
  if (!Number.isInteger(bits) || bits % 2 !== 0 || bits < 2048) throw new Error(`RSA modulus of ${bits} bits: an even number of at least 2048 is needed`);
  for (;;) {
    const [a, b] = await Promise.all([prime(bits / 2), prime(bits / 2)]);
    const parts = rsaFromPrimes(a, b, bits);
    if (parts) return rsaKeyObject(parts);
  }
}
