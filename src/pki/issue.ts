// One function issues any row of the certificate table.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { Cluster } from "../spec/cluster.js";
import type { CertRow } from "./certlist.js";
import { positiveSerial, type PkiDeps } from "./deps.js";
import { specKeyType } from "./algorithms.js";
import { generateKeyPair, type KeyPair } from "./keys.js";
import { keyIdOf, readCertificate, type CertInfo } from "./certinfo.js";
import { buildExtensions } from "./extensions.js";
import { resolveUsages } from "./usages.js";
import { toRdns } from "./x500.js";
import { toPem } from "./pem.js";
import { signCertificate } from "./sign.js";
import { toTime, validityFrom } from "./validity.js";

/** Signer: a CA that can issue: its parsed certificate and its key. */
export interface Signer {
  info: CertInfo;
  key: KeyPair;
}

/** Issued: a certificate and its key, as parsed data and PEM text (the key PEM is in `key.pem`). */
export interface Issued extends Signer {
  pem: string;
}

/** issuerKeyId: the CA's SKI as written, or the SHA-1 of its key when it has none. */
function issuerKeyId(ca: CertInfo): Uint8Array {
  return ca.ski ? new Uint8Array(Buffer.from(ca.ski, "hex")) : keyIdOf(ca.cert.subjectPublicKeyInfo);
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
