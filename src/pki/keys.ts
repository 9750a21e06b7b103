// Keys: their types as cfssl spells them, new keys from OpenSSL (all of a run started together),
// keys read from any unencrypted PEM form and written as cfssl writes them, signing through WebCrypto.
import { createPrivateKey, createPublicKey, generateKeyPair as generateNodeKeyPair, type KeyObject, type webcrypto } from "node:crypto";
import type { KeySpec } from "../spec/cluster.js";
import type { Crypto } from "./deps.js";

/** KeyType: a key's algorithm and size as cfssl spells them (rsa 2048, ecdsa 256). */
export interface KeyType {
  algo: "rsa" | "ecdsa";
  size: number;
}

/** CURVES: ecdsa size -> WebCrypto curve name and OpenSSL curve name. */
const CURVES: Readonly<Record<number, { webcrypto: string; openssl: string }>> = {
  256: { webcrypto: "P-256", openssl: "prime256v1" },
  384: { webcrypto: "P-384", openssl: "secp384r1" },
};

/** specKeyType: the spec's key as a KeyType. */
export function specKeyType(k: KeySpec): KeyType {
  return { algo: k.algo, size: k.size };
}

/** keyTypeName: "rsa-2048", "ecdsa-P-256" (the names `inspect` and the summaries print). */
export function keyTypeName(k: KeyType): string {
  return k.algo === "rsa" ? `rsa-${k.size}` : `ecdsa-${CURVES[k.size]?.webcrypto ?? `${k.size}`}`;
}

/** sameKeyType: true when both have the same algorithm and size. */
export function sameKeyType(a: KeyType, b: KeyType): boolean {
  return a.algo === b.algo && a.size === b.size;
}

/** keyTypeOf: the KeyType of a node key object (public or private); null for unsupported keys (RSA-PSS, Ed25519, P-521...). */
export function keyTypeOf(key: KeyObject): KeyType | null {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa" && d.modulusLength) return { algo: "rsa", size: d.modulusLength };
  if (key.asymmetricKeyType === "ec") {
    const size = Object.entries(CURVES).find(([, c]) => c.openssl === d.namedCurve)?.[0];
    if (size) return { algo: "ecdsa", size: Number(size) };
  }
  return null;
}

/** webcryptoAlgorithm: the WebCrypto parameters to import a signing key of type `k` (RSA signs PKCS#1 v1.5 with SHA-256). */
export function webcryptoAlgorithm(k: KeyType): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  if (k.algo === "rsa") return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const curve = CURVES[k.size];
  if (!curve) throw new Error(`unsupported ecdsa size ${k.size}`);
  return { name: "ECDSA", namedCurve: curve.webcrypto };
}

/** KeyPair: a signing key as WebCrypto and node see it, its public key (SPKI DER), type and PEM text. */
export interface KeyPair {
  signKey: webcrypto.CryptoKey;
  keyObject: KeyObject;
  spki: Uint8Array;
  type: KeyType;
  /** RSA as PKCS#1 (`RSA PRIVATE KEY`), EC as SEC1 (`EC PRIVATE KEY`), like cfssl. */
  pem: string;
}

/** keyPem: PKCS#1 PEM for RSA, SEC1 PEM for EC (kube-apiserver reads EC keys only in SEC1). */
export function keyPem(key: KeyObject): string {
  return key.export({ type: key.asymmetricKeyType === "rsa" ? "pkcs1" : "sec1", format: "pem" }).toString();
}

/** newKeyObject: a new private key of `type`, made by OpenSSL (node:crypto on libuv's thread pool): RSA with public exponent 65537 (at least 2048 bits), EC on P-256 or P-384. */
export function newKeyObject(type: KeyType): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, key: KeyObject) => (err ? reject(err) : resolve(key));
    if (type.algo === "ecdsa") {
      const curve = CURVES[type.size];
      if (!curve) return reject(new Error(`unsupported ecdsa size ${type.size}`));
      return generateNodeKeyPair("ec", { namedCurve: curve.openssl }, done);
    }
    if (type.size < 2048) return reject(new Error(`RSA modulus of ${type.size} bits: at least 2048 are needed`));
    generateNodeKeyPair("rsa", { modulusLength: type.size, publicExponent: 65537 }, done);
  });
}

/** KeySource: where new keys come from (PkiDeps.newKey) and the WebCrypto that signs with them. */
export interface KeySource {
  newKey(type: KeyType): Promise<KeyObject>;
  crypto: Crypto;
}

/** generateKeyPair: a new key of type `type` from `source.newKey`, ready to sign. */
export async function generateKeyPair(type: KeyType, source: KeySource): Promise<KeyPair> {
  const pair = await importKeyPair(await source.newKey(type), source.crypto);
  if (!pair) throw new Error(`newKey made a key that cannot sign as ${type.algo} ${type.size}`);
  return pair;
}

/** KeyPool: `take` hands out a key started ahead of `type` when one is left, else generates one. */
export interface KeyPool {
  take(type: KeyType): Promise<KeyPair>;
}

/** keyPool: starts `count` generations of `type` at once, so that the keys a run surely needs (rows without a key file) are made side by side on libuv's threads. */
export function keyPool(count: number, type: KeyType, source: KeySource): KeyPool {
  const ahead = Array.from({ length: count }, () => {
    const p = generateKeyPair(type, source);
    p.catch(() => {}); // a failure surfaces when the key is taken
    return p;
  });
  return {
    take: (t) => (sameKeyType(t, type) && ahead.length > 0 ? ahead.shift()! : generateKeyPair(t, source)),
  };
}

/** isEncryptedPem: true for PKCS#8 `ENCRYPTED PRIVATE KEY` and legacy `Proc-Type: 4,ENCRYPTED` blocks. */
export function isEncryptedPem(text: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text);
}

/** readKeyObject: the node key of a PKCS#1, SEC1 or PKCS#8 PEM text; throws on anything else (encrypted included). */
export function readKeyObject(text: string): KeyObject {
  return createPrivateKey({ key: text, format: "pem", passphrase: "" });
}

/** importKeyPair: the KeyPair of a node private key (exported as PKCS#8, imported into WebCrypto); null when its type cannot sign here (RSA-PSS, Ed25519, P-521...). */
export async function importKeyPair(keyObject: KeyObject, crypto: Crypto): Promise<KeyPair | null> {
  const type = keyTypeOf(keyObject);
  if (!type) return null;
  const pkcs8 = keyObject.export({ type: "pkcs8", format: "der" });
  const signKey = await crypto.subtle.importKey("pkcs8", pkcs8, webcryptoAlgorithm(type), false, ["sign"]);
  const spki = new Uint8Array(createPublicKey(keyObject).export({ type: "spki", format: "der" }));
  return { signKey, keyObject, spki, type, pem: keyPem(keyObject) };
}
