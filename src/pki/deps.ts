// What the pki stage takes from the world: a clock, serial numbers and WebCrypto.
import type { webcrypto } from "node:crypto";
import type { KeyPool } from "./key-pool.js";

/** Crypto: the WebCrypto interface (globalThis.crypto). */
export type Crypto = webcrypto.Crypto;

/** PkiDeps: the clock, the serial source and the crypto the pki stage uses; tests pass fixed ones. */
export interface PkiDeps {
  now(): Date;
  serial(): Uint8Array;
  crypto: Crypto;
  /** Where new keys come from; default: generated on demand with `crypto`. */
  keys?: KeyPool;
}

/** SERIAL_BYTES: 20 bytes, the most RFC 5280 allows and what cfssl writes (159 random bits). */
export const SERIAL_BYTES = 20;

/** positiveSerial: `bytes` with the top bit cleared and a non-zero first byte, so DER keeps it positive and minimal. */
export function positiveSerial(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 8) throw new Error(`serial of ${bytes.length} bytes: at least 8 (64 bits) are needed`);
  const out = Uint8Array.from(bytes);
  out[0] = out[0]! & 0x7f || 0x01;
  return out;
}

/** realDeps: the system clock, 20 random bytes per serial (positive, first byte non-zero) and globalThis.crypto. */
export function realDeps(): PkiDeps {
  const crypto = globalThis.crypto as Crypto;
  return {
    now: () => new Date(),
    serial: () => positiveSerial(crypto.getRandomValues(new Uint8Array(SERIAL_BYTES))),
    crypto,
  };
}
