// Distinguished names: cfssl's attribute words, their OIDs, and the one-SET-per-attribute encoding.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import type { DistinguishedName } from "../../spec/schema.js";

/** Attr: the attribute words cfssl uses in `names`, plus CN. */
export type Attr = "C" | "ST" | "L" | "O" | "OU" | "CN";

/** ATTR_OID: attribute word -> OID, in cfssl's (Go's) encoding order. */
export const ATTR_OID: Readonly<Record<Attr, string>> = {
  C: "2.5.4.6", // countryName
  ST: "2.5.4.8", // stateOrProvinceName
  L: "2.5.4.7", // localityName
  O: "2.5.4.10", // organizationName
  OU: "2.5.4.11", // organizationalUnitName
  CN: "2.5.4.3", // commonName
};

/** ATTR_ORDER: C, ST, L, O, OU, CN: the order Go's pkix.Name (hence cfssl) writes a subject in. */
export const ATTR_ORDER: readonly Attr[] = ["C", "ST", "L", "O", "OU", "CN"];

/** Dn: a distinguished name as ordered (attribute, value) pairs, one RDN each. */
export type Dn = readonly (readonly [Attr, string])[];

/** buildDn: cfssl's subject from `names` entries (every C, then every ST, ... every OU), with `override` (O, CN) replacing entries' values. */
export function buildDn(names: readonly DistinguishedName[], override: Partial<Record<Attr, string>>): Dn {
  const out: [Attr, string][] = [];
  for (const attr of ATTR_ORDER) {
    const fixed = override[attr];
    if (fixed !== undefined) out.push([attr, fixed]);
    else if (attr !== "CN") for (const n of names) if (n[attr] !== undefined) out.push([attr, n[attr]!]);
  }
  return out;
}

/** formatDn: "C=CN, ST=BeiJing, ..., CN=admin" in encoding order; unknown attributes print as their OID. */
export function formatDn(dn: readonly (readonly [string, string])[]): string {
  return dn.map(([a, v]) => `${a}=${v}`).join(", ");
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** toRdns: the pkijs name of `dn`, one SET per attribute (pkijs alone would write one multi-valued SET); PrintableString where it fits, UTF8String otherwise, as Go does. */
export function toRdns(dn: Dn): pkijs.RelativeDistinguishedNames {
  const sets = dn.map(([attr, value]) => {
    const v = PRINTABLE.test(value) ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: ATTR_OID[attr], value: v }).toSchema()] });
  });
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: sets }).toBER());
}

const ATTR_BY_OID = new Map(Object.entries(ATTR_OID).map(([a, o]) => [o, a]));

/** fromRdns: the (attribute, value) pairs of a parsed name, in encoding order. */
export function fromRdns(rdns: pkijs.RelativeDistinguishedNames): [string, string][] {
  return rdns.typesAndValues.map((tv) => [ATTR_BY_OID.get(tv.type) ?? tv.type, String(tv.value.valueBlock.value)]);
}
