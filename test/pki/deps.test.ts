import { suite } from "uvu";
import * as assert from "uvu/assert";
import { positiveSerial, realDeps, SERIAL_BYTES } from "../../src/pki/deps.js";

const test = suite("deps");

test("realDeps should give 20-byte serials with the top bit clear and a non-zero first byte, all different", () => {
  const deps = realDeps();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = deps.serial();
    assert.is(s.length, SERIAL_BYTES);
    assert.ok(s[0]! > 0 && s[0]! < 0x80, `first byte ${s[0]}`);
    seen.add(Buffer.from(s).toString("hex"));
  }
  assert.is(seen.size, 200);
  assert.ok(Math.abs(deps.now().getTime() - Date.now()) < 5000);
});

test("realDeps should make new keys of the asked type with OpenSSL", async () => {
  const key = await realDeps().newKey({ algo: "ecdsa", size: 384 });
  assert.equal([key.type, key.asymmetricKeyType, key.asymmetricKeyDetails!.namedCurve], ["private", "ec", "secp384r1"]);
});

test("positiveSerial should clear the top bit, lift a zero first byte, and refuse fewer than 64 bits", () => {
  assert.equal([...positiveSerial(Uint8Array.of(0xff, 1, 2, 3, 4, 5, 6, 7))], [0x7f, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal([...positiveSerial(Uint8Array.of(0x80, 1, 2, 3, 4, 5, 6, 7))], [0x01, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal([...positiveSerial(Uint8Array.of(0x00, 9, 2, 3, 4, 5, 6, 7))], [0x01, 9, 2, 3, 4, 5, 6, 7]);
  assert.throws(() => positiveSerial(Uint8Array.of(1, 2, 3)), /64 bits/);
});

test.run();
