// Private keys: generated through WebCrypto, read from any unencrypted PEM form, written as cfssl writes them.
import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import { keyTypeOf, webcryptoAlgorithm, type KeyType } from "./algorithms.js";
import type { Crypto } from "./deps.js";

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

/** generateKeyPair: a new extractable key of type `type` made by `crypto.subtle`. */
export async function generateKeyPair(type: KeyType, crypto: Crypto): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey(webcryptoAlgorithm(type), true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const keyObject = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return fromKeyObject(keyObject, pair.privateKey, type);
}

/** isEncryptedPem: true for PKCS#8 `ENCRYPTED PRIVATE KEY` and legacy `Proc-Type: 4,ENCRYPTED` blocks. */
export function isEncryptedPem(text: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text);
}

/** readKeyObject: the node key of a PKCS#1, SEC1 or PKCS#8 PEM text; throws on anything else (encrypted included). */
export function readKeyObject(text: string): KeyObject {
  return createPrivateKey({ key: text, format: "pem", passphrase: "" });
}

/** importKeyPair: the KeyPair of a node private key; null when its type cannot sign here (RSA-PSS, Ed25519, P-521...). */
export async function importKeyPair(keyObject: KeyObject, crypto: Crypto): Promise<KeyPair | null> {
  const type = keyTypeOf(keyObject);
  if (!type) return null;
  const pkcs8 = keyObject.export({ type: "pkcs8", format: "der" });
  const signKey = await crypto.subtle.importKey("pkcs8", pkcs8, webcryptoAlgorithm(type), false, ["sign"]);
  return fromKeyObject(keyObject, signKey, type);
}

function fromKeyObject(keyObject: KeyObject, signKey: webcrypto.CryptoKey, type: KeyType): KeyPair {
  const spki = new Uint8Array(createPublicKey(keyObject).export({ type: "spki", format: "der" }));
  return { signKey, keyObject, spki, type, pem: keyPem(keyObject) };
}
