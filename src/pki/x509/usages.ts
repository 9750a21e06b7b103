// cfssl's usage words mapped to X.509 key-usage bits and extended-key-usage OIDs: the only table of them.
import * as asn1js from "asn1js";

/** KEY_USAGE_BIT: cfssl key-usage word -> bit number of the KeyUsage BIT STRING (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BIT = {
  signing: 0, // digitalSignature (cfssl's word for it)
  "digital signature": 0,
  "content commitment": 1,
  "key encipherment": 2,
  "data encipherment": 3,
  "key agreement": 4,
  "cert sign": 5, // keyCertSign
  "crl sign": 6, // cRLSign
  "encipher only": 7,
  "decipher only": 8,
} as const;

/** EXT_KEY_USAGE_OID: cfssl extended-key-usage word -> OID (RFC 5280 4.2.1.12). */
export const EXT_KEY_USAGE_OID = {
  "server auth": "1.3.6.1.5.5.7.3.1", // id-kp-serverAuth
  "client auth": "1.3.6.1.5.5.7.3.2", // id-kp-clientAuth
  "code signing": "1.3.6.1.5.5.7.3.3",
  "email protection": "1.3.6.1.5.5.7.3.4",
  timestamping: "1.3.6.1.5.5.7.3.8",
  "ocsp signing": "1.3.6.1.5.5.7.3.9",
} as const;

/** Usage: every word a row's profile may hold. */
export type Usage = keyof typeof KEY_USAGE_BIT | keyof typeof EXT_KEY_USAGE_OID;

/** KEY_USAGE_NAME: bit number -> RFC 5280 name, for display. */
const KEY_USAGE_NAME = ["digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"];

/** Usages: a profile translated: key-usage bits (sorted, unique), EKU OIDs in profile order, and words neither table knows. */
export interface Usages {
  bits: number[];
  eku: string[];
  unknown: string[];
}

/** resolveUsages: the bits and OIDs of cfssl words; unknown words are reported, never dropped silently. */
export function resolveUsages(words: readonly string[]): Usages {
  const bits = new Set<number>();
  const eku: string[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    if (w in KEY_USAGE_BIT) bits.add(KEY_USAGE_BIT[w as keyof typeof KEY_USAGE_BIT]);
    else if (w in EXT_KEY_USAGE_OID) eku.push(EXT_KEY_USAGE_OID[w as keyof typeof EXT_KEY_USAGE_OID]);
    else unknown.push(w);
  }
  return { bits: [...bits].sort((a, b) => a - b), eku: [...new Set(eku)], unknown };
}

/** keyUsageBitString: the KeyUsage BIT STRING of `bits`, shortest form, unused bits = trailing zero bits (DER; Go rejects anything else). */
export function keyUsageBitString(bits: readonly number[]): asn1js.BitString {
  const top = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(top / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (top & 7);
  return new asn1js.BitString({ valueHex: bytes, unusedBits: unused });
}

/** keyUsageNames: the RFC 5280 names of the bits set in a parsed KeyUsage BIT STRING. */
export function keyUsageNames(bytes: Uint8Array): string[] {
  return KEY_USAGE_NAME.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

/** extKeyUsageName: the cfssl word of an EKU OID, or the OID itself. */
export function extKeyUsageName(oid: string): string {
  return Object.entries(EXT_KEY_USAGE_OID).find(([, o]) => o === oid)?.[0] ?? oid;
}
