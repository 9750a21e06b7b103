import { suite } from "uvu";
import * as assert from "uvu/assert";
import { keyPool } from "../../src/pki/key-pool.js";
import type { KeyType } from "../../src/pki/algorithms.js";
import { countingKeys } from "./_support.js";

const test = suite("key-pool");
const crypto = globalThis.crypto as any;
const EC: KeyType = { algo: "ecdsa", size: 256 };

test("should start `count` keys at once and hand them out for an equal (not identical) key type", async () => {
  const counting = countingKeys();
  const pool = keyPool(2, EC, { newKey: counting.newKey, crypto });
  assert.is(counting.generated, 2, "both keys started before any take");
  const a = await pool.take({ algo: "ecdsa", size: 256 });
  const b = await pool.take({ ...EC });
  assert.is(counting.generated, 2, "the prefetched keys were used");
  assert.is.not(a.pem, b.pem);
});

test("should generate on demand once the pool is empty or for another key type", async () => {
  const counting = countingKeys();
  const pool = keyPool(1, EC, { newKey: counting.newKey, crypto });
  await pool.take(EC);
  const other = await pool.take({ algo: "ecdsa", size: 384 });
  const more = await pool.take(EC);
  assert.is(counting.generated, 3);
  assert.equal(other.type, { algo: "ecdsa", size: 384 });
  assert.equal(more.type, EC);
});

test.run();
