// Key types and the signature and key algorithm identifiers they use: the only table of algorithm OIDs.
import type { KeyObject, webcrypto } from "node:crypto";
import type { KeySpec } from "../spec/cluster.js";

/** KeyType: a key's algorithm and size as cfssl spells them (rsa 2048, ecdsa 256). */
export interface KeyType {
  algo: "rsa" | "ecdsa";
  size: number;
}

/** Hash: the digest a signature uses. */
export type Hash = "SHA-256" | "SHA-384";

/** CURVES: ecdsa size -> WebCrypto curve name, OpenSSL curve name and signature hash. */
const CURVES: Readonly<Record<number, { webcrypto: string; openssl: string; hash: Hash }>> = {
  256: { webcrypto: "P-256", openssl: "prime256v1", hash: "SHA-256" },
  384: { webcrypto: "P-384", openssl: "secp384r1", hash: "SHA-384" },
};

/** SIGNATURE_OID: signature algorithm name -> OID, as certificates carry them. */
export const SIGNATURE_OID = {
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11", // PKCS#1 v1.5 with SHA-256
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  "ecdsa-with-SHA256": "1.2.840.10045.4.3.2",
  "ecdsa-with-SHA384": "1.2.840.10045.4.3.3",
  "ecdsa-with-SHA512": "1.2.840.10045.4.3.4",
} as const;

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

/** SignatureAlgorithm: how a key of some type signs: the certificate's AlgorithmIdentifier and the WebCrypto parameters. */
export interface SignatureAlgorithm {
  name: keyof typeof SIGNATURE_OID;
  oid: string;
  /** RSA identifiers carry NULL parameters (RFC 4055 section 5, as cfssl and Go write them); ECDSA ones none (RFC 5758). */
  nullParams: boolean;
  webcrypto: { name: string; hash?: Hash };
}

/** signatureAlgorithm: sha256WithRSAEncryption (PKCS#1 v1.5) for every RSA key; ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384. */
export function signatureAlgorithm(k: KeyType): SignatureAlgorithm {
  if (k.algo === "rsa") {
    return { name: "sha256WithRSAEncryption", oid: SIGNATURE_OID.sha256WithRSAEncryption, nullParams: true, webcrypto: { name: "RSASSA-PKCS1-v1_5" } };
  }
  const hash = CURVES[k.size]?.hash;
  if (!hash) throw new Error(`unsupported ecdsa size ${k.size}`);
  const name = hash === "SHA-256" ? "ecdsa-with-SHA256" : "ecdsa-with-SHA384";
  return { name, oid: SIGNATURE_OID[name], nullParams: false, webcrypto: { name: "ECDSA", hash } };
}

/** webcryptoAlgorithm: the WebCrypto parameters to generate or import a signing key of type `k`. */
export function webcryptoAlgorithm(k: KeyType): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  if (k.algo === "rsa") {
    return { name: "RSASSA-PKCS1-v1_5", modulusLength: k.size, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  }
  const curve = CURVES[k.size];
  if (!curve) throw new Error(`unsupported ecdsa size ${k.size}`);
  return { name: "ECDSA", namedCurve: curve.webcrypto };
}

/** specKeyType: the spec's key as a KeyType. */
export function specKeyType(k: KeySpec): KeyType {
  return { algo: k.algo, size: k.size };
}

/** signatureAlgorithmName: the name of a signature OID (e.g. "sha256WithRSAEncryption"), or the OID itself. */
export function signatureAlgorithmName(oid: string): string {
  return Object.entries(SIGNATURE_OID).find(([, o]) => o === oid)?.[0] ?? oid;
}
