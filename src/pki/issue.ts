// Issuing: one function issues any row of the certificate table: a new key, the TBS certificate with
// cfssl's extensions, and the signature of the CA (or of the new key for a self-signed CA).
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { Cluster } from "../spec/cluster.js";
import type { CertRow } from "./certlist.js";
import { keyIdOf, readCertificate, type CertInfo } from "./certinfo.js";
import { positiveSerial, type Crypto, type PkiDeps } from "./deps.js";
import { generateKeyPair, specKeyType, type KeyPair } from "./keys.js";
import { signatureAlgorithm } from "./x509/algorithms.js";
import { toPem } from "./x509/pem.js";
import { toGeneralNames } from "./x509/sans.js";
import { keyUsageBitString, resolveUsages, type Usages } from "./x509/usages.js";
import { toTime, validityFrom } from "./x509/validity.js";
import { toRdns } from "./x509/x500.js";

/** Signer: a CA that can issue: its parsed certificate and its key. */
export interface Signer {
  info: CertInfo;
  key: KeyPair;
}

/** Issued: a certificate and its key, as parsed data and PEM text (the key PEM is in `key.pem`). */
export interface Issued extends Signer {
  pem: string;
}

/** issue: a new key of the spec's type and a v3 certificate for `row`, signed by `ca` (self-signed when null); never after the CA's notAfter. */
export async function issue(row: CertRow, ca: Signer | null, cluster: Cluster, deps: PkiDeps): Promise<Issued> {
  const usages = resolveUsages(row.profile);
  if (usages.unknown.length > 0) throw new Error(`row ${row.id}: unknown usage words ${usages.unknown.join(", ")}`);
  const type = specKeyType(cluster.key);
  const key = await (deps.keys ? deps.keys.take(type) : generateKeyPair(type, deps));
  const spki = pkijs.PublicKeyInfo.fromBER(key.spki);
  const validity = validityFrom(deps.now(), row.validity(cluster).ms, ca?.info.notAfter);
  const subject = toRdns(row.subject(cluster));
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ valueHex: positiveSerial(deps.serial()) }),
    subject,
    issuer: ca ? ca.info.cert.subject : subject,
    notBefore: toTime(validity.notBefore),
    notAfter: toTime(validity.notAfter),
    subjectPublicKeyInfo: spki,
    extensions: buildExtensions({
      isCA: row.isCA,
      usages,
      keyId: keyIdOf(spki),
      issuerKeyId: ca ? issuerKeyId(ca.info) : null,
      hosts: row.hosts(cluster),
    }),
  });
  const der = await signCertificate(cert, ca?.key ?? key, deps.crypto);
  // The signed object is the certificate's pkijs form: reading it back from DER would parse what was just written.
  return { info: readCertificate(der, cert), key, pem: toPem("CERTIFICATE", der) };
}

/** issuerKeyId: the CA's SKI as written, or the SHA-1 of its key when it has none. */
function issuerKeyId(ca: CertInfo): Uint8Array {
  return ca.ski ? new Uint8Array(Buffer.from(ca.ski, "hex")) : keyIdOf(ca.cert.subjectPublicKeyInfo);
}

// --- extensions ---

/** ExtensionInput: what the extensions of one certificate depend on. */
interface ExtensionInput {
  isCA: boolean;
  usages: Usages;
  /** SHA-1 key id of the certificate's own public key. */
  keyId: Uint8Array;
  /** The issuer's key id; null for a self-signed certificate (no AKI, as Go writes). */
  issuerKeyId: Uint8Array | null;
  /** Sorted SANs; none -> no SAN extension. */
  hosts: readonly string[];
}

function ext(extnID: string, critical: boolean, value: asn1js.BaseBlock | { toSchema(): asn1js.BaseBlock }): pkijs.Extension {
  const block = "toSchema" in value ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: block.toBER(false) });
}

/** buildExtensions: in cfssl's order: keyUsage (critical), extKeyUsage, basicConstraints (critical), SKI, AKI (issued only), SAN (when hosts). */
function buildExtensions(x: ExtensionInput): pkijs.Extension[] {
  const out: pkijs.Extension[] = [];
  if (x.usages.bits.length > 0) out.push(ext(pkijs.id_KeyUsage, true, keyUsageBitString(x.usages.bits)));
  if (x.usages.eku.length > 0) out.push(ext(pkijs.id_ExtKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: x.usages.eku })));
  out.push(ext(pkijs.id_BasicConstraints, true, new pkijs.BasicConstraints({ cA: x.isCA })));
  out.push(ext(pkijs.id_SubjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: x.keyId })));
  if (x.issuerKeyId) {
    const keyIdentifier = new asn1js.OctetString({ valueHex: x.issuerKeyId });
    out.push(ext(pkijs.id_AuthorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier })));
  }
  if (x.hosts.length > 0) out.push(ext(pkijs.id_SubjectAltName, false, toGeneralNames(x.hosts)));
  return out;
}

// --- signing ---

/** signCertificate: sets both signature AlgorithmIdentifiers for `key`'s type (as Go and cfssl write them), signs the TBS with `key`, and returns the certificate's DER. */
async function signCertificate(cert: pkijs.Certificate, key: KeyPair, crypto: Crypto): Promise<Uint8Array> {
  const alg = signatureAlgorithm(key.type);
  const id = () => new pkijs.AlgorithmIdentifier({ algorithmId: alg.oid, ...(alg.nullParams ? { algorithmParams: new asn1js.Null() } : {}) });
  cert.signature = id();
  cert.signatureAlgorithm = id();
  const tbsBlock = cert.encodeTBS();
  const tbs = new Uint8Array(tbsBlock.toBER(false));
  const raw = await crypto.subtle.sign(alg.webcrypto, key.signKey, tbs);
  // WebCrypto returns ECDSA signatures as r||s; X.509 wants SEQUENCE { r INTEGER, s INTEGER }.
  const value = alg.webcrypto.name === "ECDSA" ? pkijs.createCMSECDSASignature(raw) : raw;
  cert.signatureValue = new asn1js.BitString({ valueHex: value });
  cert.tbsView = tbs;
  // Certificate.toSchema would parse the TBS bytes back; the block they were encoded from is at hand.
  return new Uint8Array(new asn1js.Sequence({ value: [tbsBlock, cert.signatureAlgorithm.toSchema(), cert.signatureValue] }).toBER(false));
}
