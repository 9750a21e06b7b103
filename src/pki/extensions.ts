// The X.509 v3 extensions of a row, in cfssl's order: KU, EKU, BC, SKI, AKI, SAN.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { keyUsageBitString, type Usages } from "./usages.js";
import { toGeneralNames } from "./sans.js";

/** ExtensionInput: what the extensions of one certificate depend on. */
export interface ExtensionInput {
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

/** buildExtensions: keyUsage (critical), extKeyUsage, basicConstraints (critical), SKI, AKI (issued only), SAN (when hosts). */
export function buildExtensions(x: ExtensionInput): pkijs.Extension[] {
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
