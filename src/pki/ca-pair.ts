// Reading a CA (certificate + key) from PEM text, refusing with a message that names the file.
import { InputError, type Problem } from "../errors.js";
import type { Duration } from "../spec/duration.js";
import { readCertificate, type CertInfo } from "./certinfo.js";
import type { Crypto } from "./deps.js";
import { importKeyPair, isEncryptedPem, readKeyObject } from "./keys.js";
import { certificateDers } from "./pem.js";
import type { Signer } from "./issue.js";
import { isoSeconds } from "./validity.js";

/** CaSource: where a CA's two PEM texts come from; `spec` set when the spec names them (pki.ca). */
export interface CaSource {
  cert: string;
  key: string;
  spec?: string;
  /** Where the spec names each file, for FILE:LINE:COL messages. */
  at?: Partial<Record<"certFile" | "keyFile", { line: number; col: number }>>;
}

/** caRefusal: an InputError (exit 2) about `file`, pointing at /pki/ca/<field> of the spec when the spec names it. */
export function caRefusal(code: string, src: CaSource, field: "certFile" | "keyFile", message: string, hint?: string): InputError {
  const file = field === "certFile" ? src.cert : src.key;
  const text = `${file}: ${message}`;
  const problems: Problem[] = src.spec
    ? [{ file: src.spec, pointer: `/pki/ca/${field}`, message: text, severity: "error", ...(hint ? { hint } : {}), ...(src.at?.[field] ?? {}) }]
    : [];
  return new InputError(code, hint ? `${text} (try: ${hint})` : text, problems);
}

function readCaCertificate(text: string, src: CaSource): CertInfo {
  const der = certificateDers(text)[0];
  if (!der) throw caRefusal("ca-cert-unreadable", src, "certFile", "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  let info: CertInfo;
  try {
    info = readCertificate(der);
  } catch (e) {
    throw caRefusal("ca-cert-unreadable", src, "certFile", `the certificate cannot be parsed (${(e as Error).message})`);
  }
  if (!info.isCA) throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  if (info.keyUsage && !info.keyUsage.includes("keyCertSign")) {
    throw caRefusal("ca-not-ca", src, "certFile", `${info.subject} may not sign certificates (keyUsage lacks keyCertSign)`);
  }
  return info;
}

/** readCaPair: the Signer of a CA's PEM texts; refuses unreadable PEM, encrypted or unsupported keys, mismatched pairs and non-CAs. */
export async function readCaPair(certText: string, keyText: string, src: CaSource, crypto: Crypto): Promise<Signer> {
  const info = readCaCertificate(certText, src);
  if (isEncryptedPem(keyText)) {
    throw caRefusal("ca-key-encrypted", src, "keyFile", "the private key is encrypted; kubebundle needs it unencrypted", `openssl pkey -in ${src.key} -out ca-key-plain.pem`);
  }
  let keyObject;
  try {
    keyObject = readKeyObject(keyText);
  } catch {
    throw caRefusal("ca-key-unreadable", src, "keyFile", "not an unencrypted PEM private key (PKCS#1 RSA PRIVATE KEY, SEC1 EC PRIVATE KEY or PKCS#8 PRIVATE KEY)");
  }
  if (!info.x509.checkPrivateKey(keyObject)) {
    throw caRefusal("ca-key-mismatch", src, "keyFile", `does not match the certificate in ${src.cert}`);
  }
  const key = await importKeyPair(keyObject, crypto);
  if (!key) throw caRefusal("ca-key-unsupported", src, "keyFile", `a ${keyObject.asymmetricKeyType} key cannot sign here; use rsa or ecdsa P-256/P-384`);
  return { info, key };
}

/** checkCaDates: refuses a CA that is expired or not yet valid at `now`. */
export function checkCaDates(info: CertInfo, src: CaSource, now: Date): void {
  if (info.notAfter.getTime() <= now.getTime()) {
    throw caRefusal("ca-expired", src, "certFile", `the CA expired on ${isoSeconds(info.notAfter)}`);
  }
  if (info.notBefore.getTime() > now.getTime()) {
    throw caRefusal("ca-not-yet-valid", src, "certFile", `the CA is not valid before ${isoSeconds(info.notBefore)}`);
  }
}

/** checkCaOutlives: refuses a CA that expires before a certificate of `validity` issued at `now` would. */
export function checkCaOutlives(info: CertInfo, src: CaSource, now: Date, validity: Duration): void {
  const end = now.getTime() + validity.ms;
  if (info.notAfter.getTime() >= end) return;
  const hours = Math.floor((info.notAfter.getTime() - now.getTime()) / 3_600_000);
  const what = `the CA expires on ${isoSeconds(info.notAfter)}, before certificates issued now for ${validity.text} would (${isoSeconds(new Date(end))})`;
  throw caRefusal("ca-expires-too-soon", src, "certFile", `${what}; shorten pki.expiry or renew the CA`, hours >= 1 ? `"expiry": "${hours}h"` : undefined);
}
