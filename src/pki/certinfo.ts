// A parsed certificate: the fields reuse, summaries and `inspect` compare, read once from DER.
import { createHash, X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { keyTypeOf, type KeyType } from "./keys.js";
import { signatureAlgorithmName } from "./x509/algorithms.js";
import { fromGeneralNames } from "./x509/sans.js";
import { extKeyUsageName, keyUsageNames } from "./x509/usages.js";
import { formatDn, fromRdns } from "./x509/x500.js";

/** CertInfo: one certificate's DER, its pkijs and node views, and the fields kubebundle reads. */
export interface CertInfo {
  der: Uint8Array;
  cert: pkijs.Certificate;
  x509: X509Certificate;
  subject: string;
  issuer: string;
  /** Lower-case hex of the serial's value, without a sign-padding zero byte. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** Sorted SANs (DNS names, then IPv4, then IPv6). */
  sans: string[];
  keyType: KeyType | null;
  signatureAlgorithm: string;
  isCA: boolean;
  /** basicConstraints pathLenConstraint (how many CAs may follow below it), or null when unlimited. */
  pathLen: number | null;
  /** RFC 5280 key-usage names, or null when the extension is absent. */
  keyUsage: string[] | null;
  extKeyUsage: string[];
  /** Subject key identifier (hex) as written, or null. */
  ski: string | null;
  /** Authority key identifier (hex) as written, or null. */
  aki: string | null;
}

function hex(v: ArrayBuffer | Uint8Array): string {
  return Buffer.from(v instanceof Uint8Array ? v : new Uint8Array(v)).toString("hex");
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** keyIdOf: SHA-1 of the subjectPublicKey BIT STRING of an SPKI (RFC 5280 4.2.1.2 method 1, as Go and cfssl compute SKIs). */
export function keyIdOf(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash("sha1").update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

/** pathLenOf: the pathLenConstraint of a basicConstraints value (pkijs gives a number or an INTEGER), or null. */
function pathLenOf(bc: pkijs.BasicConstraints | undefined): number | null {
  const p = bc?.pathLenConstraint;
  if (p === undefined || p === null) return null;
  return typeof p === "number" ? p : p.valueBlock.valueDec;
}

/** readCertificate: the CertInfo of a DER certificate; throws when it is not one. `cert` is its pkijs form when the caller already has it (just signed). */
export function readCertificate(der: Uint8Array, cert: pkijs.Certificate = pkijs.Certificate.fromBER(der)): CertInfo {
  const x509 = new X509Certificate(der);
  const ku = extension(cert, pkijs.id_KeyUsage)?.parsedValue as asn1js.BitString | undefined;
  const bc = extension(cert, pkijs.id_BasicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
  const eku = extension(cert, pkijs.id_ExtKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const san = extension(cert, pkijs.id_SubjectAltName)?.parsedValue as pkijs.AltName | undefined;
  const ski = extension(cert, pkijs.id_SubjectKeyIdentifier)?.parsedValue as asn1js.OctetString | undefined;
  const aki = extension(cert, pkijs.id_AuthorityKeyIdentifier)?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
  return {
    der,
    cert,
    x509,
    subject: formatDn(fromRdns(cert.subject)),
    issuer: formatDn(fromRdns(cert.issuer)),
    serial: hex(cert.serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, ""),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    sans: san ? fromGeneralNames(san.altNames) : [],
    keyType: keyTypeOf(x509.publicKey),
    signatureAlgorithm: signatureAlgorithmName(cert.signatureAlgorithm.algorithmId),
    isCA: bc?.cA === true,
    pathLen: pathLenOf(bc),
    keyUsage: ku ? keyUsageNames(ku.valueBlock.valueHexView) : null,
    extKeyUsage: (eku?.keyPurposes ?? []).map(extKeyUsageName),
    ski: ski ? hex(ski.valueBlock.valueHexView) : null,
    aki: aki?.keyIdentifier ? hex(aki.keyIdentifier.valueBlock.valueHexView) : null,
  };
}

/** isIssuedBy: true when `issuer`'s subject names `cert`'s issuer and `issuer`'s key verifies `cert`'s signature. */
export function isIssuedBy(cert: CertInfo, issuer: CertInfo): boolean {
  const sameName = Buffer.from(cert.cert.issuer.toSchema().toBER()).equals(Buffer.from(issuer.cert.subject.toSchema().toBER()));
  return sameName && cert.x509.verify(issuer.x509.publicKey);
}
