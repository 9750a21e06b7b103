import { suite } from "uvu";
import * as assert from "uvu/assert";
import { extKeyUsageName, keyUsageBitString, keyUsageNames, resolveUsages } from "../../../src/pki/x509/usages.js";

const test = suite("usages");

test("resolveUsages should map cfssl words to sorted unique bits and EKU OIDs", () => {
  const u = resolveUsages(["signing", "key encipherment", "server auth", "client auth", "digital signature"]);
  assert.equal(u.bits, [0, 2]);
  assert.equal(u.eku, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
  assert.equal(u.unknown, []);
});

test("resolveUsages should report unknown words instead of dropping them", () => {
  assert.equal(resolveUsages(["signing", "serverauth", "any"]).unknown, ["serverauth", "any"]);
});

test("keyUsageBitString should count trailing zero bits as unused (Go rejects anything else)", () => {
  const hex = (bits: number[]) => Buffer.from(keyUsageBitString(bits).toBER()).toString("hex");
  assert.is(hex([0, 2]), "030205a0"); // digitalSignature + keyEncipherment
  assert.is(hex([0, 5, 6]), "03020186"); // + keyCertSign + cRLSign
  assert.is(hex([5, 6]), "03020106");
  assert.is(hex([0]), "03020780");
  assert.is(hex([8]), "0303070080"); // decipherOnly needs a second byte
});

test("keyUsageNames and extKeyUsageName should name what is set", () => {
  assert.equal(keyUsageNames(Uint8Array.of(0x86)), ["digitalSignature", "keyCertSign", "cRLSign"]);
  assert.equal(keyUsageNames(Uint8Array.of(0xa0)), ["digitalSignature", "keyEncipherment"]);
  assert.is(extKeyUsageName("1.3.6.1.5.5.7.3.2"), "client auth");
  assert.is(extKeyUsageName("1.2.3"), "1.2.3");
});

test.run();
