import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asn1js from "asn1js";
import { buildDn, formatDn, fromRdns, toRdns } from "../../../src/pki/x509/x500.js";

const test = suite("x500");

test("buildDn should follow cfssl's order C, ST, L, O, OU, CN and let the row's O and CN win", () => {
  const dn = buildDn([{ OU: "b", C: "CN", O: "ignored" }, { C: "DE", L: "Berlin" }], { O: "system:masters", CN: "admin" });
  assert.is(formatDn(dn), "C=CN, C=DE, L=Berlin, O=system:masters, OU=b, CN=admin");
  assert.is(formatDn(buildDn([{ O: "k8s" }], { CN: "ca" })), "O=k8s, CN=ca");
});

test("toRdns should write one SET per attribute, PrintableString where allowed, UTF8String otherwise", () => {
  const der = toRdns([["C", "CN"], ["L", "Zürich"], ["CN", "system:kube-controller-manager"]]).toSchema().toBER();
  const seq = asn1js.fromBER(der).result as asn1js.Sequence;
  assert.is(seq.valueBlock.value.length, 3);
  const kinds = seq.valueBlock.value.map((set) => {
    const rdn = set as asn1js.Set;
    assert.is(rdn.valueBlock.value.length, 1);
    const atv = rdn.valueBlock.value[0] as asn1js.Sequence;
    return atv.valueBlock.value[1]!.idBlock.tagNumber;
  });
  assert.equal(kinds, [19, 12, 19], "PrintableString (tag 19), UTF8String (tag 12), PrintableString");
});

test("fromRdns should read back the pairs in order", () => {
  const pairs = fromRdns(toRdns([["O", "system:masters"], ["CN", "admin"]]));
  assert.equal(pairs, [["O", "system:masters"], ["CN", "admin"]]);
});

test.run();
