// What the pki stage takes from the world: a clock, serial numbers, new keys and WebCrypto.
import type { KeyObject, webcrypto } from "node:crypto";
import { newKeyObject, type KeyPool, type KeyType } from "./keys.js";

/** Crypto: the WebCrypto interface (globalThis.crypto). */
export type Crypto = webcrypto.Crypto;

/** PkiDeps: the clock, the serial source, the key source and the crypto the pki stage uses; tests pass fixed ones. */
export interface PkiDeps {
  now(): Date;
  serial(): Uint8Array;
  /** A new private key of `type` (realDeps: keys.newKeyObject). */
  newKey(type: KeyType): Promise<KeyObject>;
  /** Signs certificates (WebCrypto). */
  crypto: Crypto;
  /** Keys generated ahead by reconcilePki; without it, issue calls newKey itself. */
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

/** realDeps: the system clock, 20 random bytes per serial (positive, first byte non-zero), OpenSSL keys and globalThis.crypto. */
export function realDeps(): PkiDeps {
  const crypto = globalThis.crypto as Crypto;
  return {
    now: () => new Date(),
    serial: () => positiveSerial(crypto.getRandomValues(new Uint8Array(SERIAL_BYTES))),
    newKey: newKeyObject,
    crypto,
  };
}
