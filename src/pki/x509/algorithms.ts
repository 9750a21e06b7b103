// Signature algorithms: the identifiers certificates carry for each key type, the only table of algorithm OIDs.
import type { KeyType } from "../keys.js";

/** Hash: the digest a signature uses. */
export type Hash = "SHA-256" | "SHA-384";

/** SIGNATURE_OID: signature algorithm name -> OID, as certificates carry them. */
export const SIGNATURE_OID = {
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11", // PKCS#1 v1.5 with SHA-256
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  "ecdsa-with-SHA256": "1.2.840.10045.4.3.2",
  "ecdsa-with-SHA384": "1.2.840.10045.4.3.3",
  "ecdsa-with-SHA512": "1.2.840.10045.4.3.4",
} as const;

/** ECDSA_SIGNATURE: ecdsa size -> the signature name and hash of its curve (P-256 -> SHA-256, P-384 -> SHA-384). */
const ECDSA_SIGNATURE: Readonly<Record<number, { name: keyof typeof SIGNATURE_OID; hash: Hash }>> = {
  256: { name: "ecdsa-with-SHA256", hash: "SHA-256" },
  384: { name: "ecdsa-with-SHA384", hash: "SHA-384" },
};

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
  const ec = ECDSA_SIGNATURE[k.size];
  if (!ec) throw new Error(`unsupported ecdsa size ${k.size}`);
  return { name: ec.name, oid: SIGNATURE_OID[ec.name], nullParams: false, webcrypto: { name: "ECDSA", hash: ec.hash } };
}

/** WEAK_SIGNATURE_OID: signature OID -> name for the signatures whose hash no longer protects a certificate (MD2, MD4, MD5,
 *  SHA-1: collisions are practical), which kubebundle refuses in a CA it signs with and reports in `inspect`. */
export const WEAK_SIGNATURE_OID: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
  "1.2.840.113549.1.1.3": "md4WithRSAEncryption",
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.3.14.3.2.29": "sha1WithRSASignature",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10040.4.3": "dsa-with-sha1",
};

/** RSASSA_PSS_OID: RSASSA-PSS, whose hash is in its parameters (SHA-1 when they are absent). */
export const RSASSA_PSS_OID = "1.2.840.113549.1.1.10";

/** WEAK_HASH_OID: digest OIDs a PSS signature may name that are as weak as the signatures above (MD5, SHA-1). */
export const WEAK_HASH_OID: Readonly<Record<string, string>> = {
  "1.2.840.113549.2.5": "MD5",
  "1.3.14.3.2.26": "SHA-1",
};

/** signatureAlgorithmName: the name of a signature OID (e.g. "sha256WithRSAEncryption"), or the OID itself. */
export function signatureAlgorithmName(oid: string): string {
  if (oid === RSASSA_PSS_OID) return "rsassaPss";
  return Object.entries(SIGNATURE_OID).find(([, o]) => o === oid)?.[0] ?? WEAK_SIGNATURE_OID[oid] ?? oid;
}
