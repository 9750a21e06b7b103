// Signing a certificate: the AlgorithmIdentifier written as Go and cfssl write it, then the signature over the TBS bytes.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { signatureAlgorithm } from "./algorithms.js";
import type { Crypto } from "./deps.js";
import type { KeyPair } from "./keys.js";

/** signCertificate: sets both signature AlgorithmIdentifiers for `key`'s type, signs the TBS with `key`, and returns the certificate's DER. */
export async function signCertificate(cert: pkijs.Certificate, key: KeyPair, crypto: Crypto): Promise<Uint8Array> {
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
