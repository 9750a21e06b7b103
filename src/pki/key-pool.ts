// Keys generated ahead, concurrently: RSA key generation dominates a from-scratch run, and
// the keys of rows that certainly need one (no key file yet) do not depend on each other.
import { generateKeyPair, type KeyPair, type KeySource } from "./keys.js";
import { sameKeyType, type KeyType } from "./algorithms.js";

/** KeyPool: `take` hands out a prefetched key of `type` when one is left, else generates one. */
export interface KeyPool {
  take(type: KeyType): Promise<KeyPair>;
}

/** keyPool: starts `count` generations of `type` at once (libuv runs them on its threads). */
export function keyPool(count: number, type: KeyType, source: KeySource): KeyPool {
  const ahead = Array.from({ length: count }, () => {
    const p = generateKeyPair(type, source);
    p.catch(() => {}); // a failure surfaces when the key is taken
    return p;
  });
  return {
    take: (t) => (sameKeyType(t, type) && ahead.length > 0 ? ahead.shift()! : generateKeyPair(t, source)),
  };
}
