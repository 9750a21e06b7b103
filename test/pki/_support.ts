// Shared pieces of the pki tests: clusters from patched example specs, a fixed clock and serials, counted keys.
import { createPrivateKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadSpec } from "../../src/spec/load.js";
import type { Cluster } from "../../src/spec/cluster.js";
import type { Crypto, PkiDeps } from "../../src/pki/deps.js";
import { newKeyObject } from "../../src/pki/keys.js";
import { ROOT } from "../helpers/tools.js";
import { certInstances, type CertRow } from "../../src/pki/certlist.js";

/** EXAMPLE_SPEC: the documented example spec, parsed, generating kube-controller-manager only: the pki tests follow one
 *  component's per-node rows (every component's rows go through the same code; test/generate.test.ts runs them all). */
export const EXAMPLE_SPEC = { ...JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8")), components: ["kube-controller-manager"] };

let specCount = 0;

/** clusterFrom: the Cluster of the example spec after `patch`, written as a file in `dir` and loaded by the real loader. */
export function clusterFrom(dir: string, patch: (spec: any) => void = () => {}): Cluster {
  const spec = structuredClone(EXAMPLE_SPEC);
  patch(spec);
  const file = path.join(dir, `cluster-${++specCount}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return loadSpec(file).cluster;
}

/** CountingKeys: a key source that counts new keys (and can hand out a fixed key instead). */
export interface CountingKeys {
  newKey: PkiDeps["newKey"];
  generated: number;
}

/** countingKeys: the real key source with every new key counted; `fixedPem` makes it return that private key instead. */
export function countingKeys(fixedPem?: string): CountingKeys {
  const state: CountingKeys = {
    generated: 0,
    newKey: (type) => {
      state.generated++;
      return fixedPem ? Promise.resolve(createPrivateKey(fixedPem)) : newKeyObject(type);
    },
  };
  return state;
}

/** fixedDeps: a clock stopped at `now` and serials 0x01,0x02,... (20 bytes each); new keys counted. */
export function fixedDeps(now: Date, counting: CountingKeys = countingKeys()): PkiDeps & { counting: CountingKeys; at(d: Date): void } {
  let n = 0;
  let clock = now;
  return {
    now: () => clock,
    serial: () => Uint8Array.from({ length: 20 }, (_, i) => (i === 0 ? 0x01 : i === 19 ? ++n & 0xff : 0x5a)),
    newKey: (type) => counting.newKey(type),
    crypto: globalThis.crypto as Crypto,
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

/** brief: each event as "id action reason", the per-node instances of one row folded into one entry when they agree
 *  ("kube-controller-manager reused" for all three nodes), listed one by one ("kube-controller-manager@n issued ...") when not. */
export function brief(r: { events: { id: string; action: string; reason?: string }[] }): string[] {
  const line = (e: { id: string; action: string; reason?: string }, id: string) => `${id} ${e.action}${e.reason ? ` ${e.reason}` : ""}`;
  const out: string[] = [];
  const groups = new Map<string, { id: string; action: string; reason?: string }[]>();
  for (const e of r.events) {
    const row = e.id.split("@")[0]!;
    if (!groups.has(row)) groups.set(row, []);
    groups.get(row)!.push(e);
  }
  for (const [row, events] of groups) {
    const lines = new Set(events.map((e) => line(e, row)));
    if (lines.size === 1) out.push([...lines][0]!);
    else out.push(...events.map((e) => line(e, e.id)));
  }
  return out;
}

/** kcmRowOf: the first node's kube-controller-manager certificate row of `c` (a row per node). */
export function kcmRowOf(c: Cluster): CertRow {
  return certInstances(c).find((r) => r.id.startsWith("kube-controller-manager@"))!;
}
