// What kubebundle accepts of a certificate it signs with or ships, as a cautious verifier would: an RSA key of at least
// 2048 bits or an ECDSA key on P-256 or P-384, a signature with neither MD5 nor SHA-1. Imported CAs, their chains and the
// CA in out/pki are refused when they break a rule; `inspect` reports what breaks one.
import * as pkijs from "pkijs";
import type { CertInfo } from "./certinfo.js";
import { RSASSA_PSS_OID, WEAK_HASH_OID, WEAK_SIGNATURE_OID } from "./x509/algorithms.js";

/** MIN_RSA_BITS: the smallest RSA modulus kubebundle accepts (NIST SP 800-57, Go's and OpenSSL's defaults). */
export const MIN_RSA_BITS = 2048;

/** ACCEPTED_KEYS: the rule, as messages end. */
export const ACCEPTED_KEYS = `RSA of at least ${MIN_RSA_BITS} bits or ECDSA on P-256 or P-384`;

/** CURVE_NAMES: OpenSSL curve names -> the names messages use. */
const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521", secp256k1: "secp256k1" };

/** keyWeakness: why the public key of `info` is refused ("an RSA key of 1024 bits"), or null when it is accepted. */
export function keyWeakness(info: CertInfo): string | null {
  let type: string | undefined;
  let details: { modulusLength?: number; namedCurve?: string };
  try {
    type = info.x509.publicKey.asymmetricKeyType;
    details = info.x509.publicKey.asymmetricKeyDetails ?? {};
  } catch {
    return "a public key OpenSSL cannot read";
  }
  if (type === "rsa") return (details.modulusLength ?? 0) >= MIN_RSA_BITS ? null : `an RSA key of ${details.modulusLength ?? "unknown"} bits`;
  if (type === "ec") {
    const curve = details.namedCurve;
    return curve === "prime256v1" || curve === "secp384r1" ? null : `an EC key on ${curve ? (CURVE_NAMES[curve] ?? curve) : "an unnamed curve"}`;
  }
  return `a ${type ?? "unknown"} key`;
}

/** signatureWeakness: why the signature of `info` is refused ("signed with sha1WithRSAEncryption"), or null. */
export function signatureWeakness(info: CertInfo): string | null {
  const alg = info.cert.signatureAlgorithm;
  const weak = WEAK_SIGNATURE_OID[alg.algorithmId];
  if (weak) return `signed with ${weak}`;
  if (alg.algorithmId === RSASSA_PSS_OID) {
    let hash = "1.3.14.3.2.26"; // RFC 4055: SHA-1 when the parameters name none
    try {
      if (alg.algorithmParams) hash = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams }).hashAlgorithm.algorithmId;
    } catch {
      return "signed with RSASSA-PSS of unreadable parameters";
    }
    if (WEAK_HASH_OID[hash]) return `signed with RSASSA-PSS over ${WEAK_HASH_OID[hash]}`;
  }
  return null;
}
