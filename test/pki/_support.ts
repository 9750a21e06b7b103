// Shared pieces of the pki tests: clusters from patched example specs, a fixed clock and serials, counting crypto.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadSpec } from "../../src/spec/load.js";
import type { Cluster } from "../../src/spec/cluster.js";
import type { Crypto, PkiDeps } from "../../src/pki/deps.js";
import { ROOT } from "../helpers/tools.js";

/** EXAMPLE_SPEC: the documented example spec, parsed. */
export const EXAMPLE_SPEC = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));

let specCount = 0;

/** clusterFrom: the Cluster of the example spec after `patch`, written as a file in `dir` and loaded by the real loader. */
export function clusterFrom(dir: string, patch: (spec: any) => void = () => {}): Cluster {
  const spec = structuredClone(EXAMPLE_SPEC);
  patch(spec);
  const file = path.join(dir, `cluster-${++specCount}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return loadSpec(file).cluster;
}

/** CountingCrypto: WebCrypto that counts key generations (and can hand out fixed keys instead). */
export interface CountingCrypto {
  crypto: Crypto;
  generated: number;
}

/** countingCrypto: globalThis.crypto with generateKey counted; `fixed` returns that key pair instead of generating one. */
export function countingCrypto(fixed?: () => Promise<unknown>): CountingCrypto {
  const base = globalThis.crypto as Crypto;
  const state: CountingCrypto = { crypto: base, generated: 0 };
  const subtle = new Proxy(base.subtle, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === "generateKey") {
        return (...args: unknown[]) => {
          state.generated++;
          return fixed ? fixed() : v.apply(target, args);
        };
      }
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  state.crypto = { subtle, getRandomValues: (a: any) => base.getRandomValues(a), randomUUID: () => base.randomUUID() } as Crypto;
  return state;
}

/** fixedKeyPair: a WebCrypto key pair of a PEM private key (RSA with SHA-256 or EC P-256), as generateKey would return it. */
export async function fixedKeyPair(pem: string): Promise<unknown> {
  const key = createPrivateKey(pem);
  const alg = key.asymmetricKeyType === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
  const subtle = globalThis.crypto.subtle;
  const privateKey = await subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), alg, true, ["sign"]);
  const publicKey = await subtle.importKey("spki", createPublicKey(key).export({ type: "spki", format: "der" }), alg, true, ["verify"]);
  return { privateKey, publicKey };
}

/** fixedDeps: a clock stopped at `now` and serials 0x01,0x02,... (20 bytes each); crypto counts key generations. */
export function fixedDeps(now: Date, counting: CountingCrypto = countingCrypto()): PkiDeps & { counting: CountingCrypto; at(d: Date): void } {
  let n = 0;
  let clock = now;
  return {
    now: () => clock,
    serial: () => Uint8Array.from({ length: 20 }, (_, i) => (i === 0 ? 0x01 : i === 19 ? ++n & 0xff : 0x5a)),
    crypto: counting.crypto,
    counting,
    at(d: Date) {
      clock = d;
    },
  };
}

/** NOW: the fixed clock of most tests (a whole second). */
export const NOW = new Date("2026-01-15T10:00:00Z");

/** HOUR_MS / DAY_MS: for moving the clock. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
