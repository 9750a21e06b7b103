// The target Kubernetes release and the named questions asked of it.
import { PATTERNS } from "../spec/schema.js";

/** KubeVersion: a parsed `kubernetesVersion`; patch is 0 when the user gave only major.minor. */
export interface KubeVersion {
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** SUPPORTED: the oldest and newest minor releases the flag table covers (1.16 through 1.37). */
export const SUPPORTED = { min: { major: 1, minor: 16 }, max: { major: 1, minor: 37 } } as const;

/** VERSION: major.minor[.patch], each part as semver writes it, without a leading zero ("04", "01" are refused). */
const VERSION = new RegExp(PATTERNS.version);

/** parseVersion: "1.36.0", "v1.36.0" or "1.36" -> KubeVersion; null otherwise (also for a leading zero: "1.30.04", "01.36"). */
export function parseVersion(text: string): KubeVersion | null {
  const m = VERSION.exec(text);
  if (!m) return null;
  return { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** minorOf: "1.24" for a version, as release notes name it. */
export function minorOf(v: { major: number; minor: number }): string {
  return `${v.major}.${v.minor}`;
}

/** compareMinor: <0, 0, >0 as a's minor release is before, equal to or after b's. */
export function compareMinor(a: { major: number; minor: number }, b: { major: number; minor: number }): number {
  return a.major - b.major || a.minor - b.minor;
}

/** isSupported: true when v's minor release lies in SUPPORTED. */
export function isSupported(v: KubeVersion): boolean {
  return compareMinor(v, SUPPORTED.min) >= 0 && compareMinor(v, SUPPORTED.max) <= 0;
}

/** usesLeaseLock: releases whose leader election reads a Lease (1.17+); older ones an Endpoints annotation. */
export function usesLeaseLock(v: KubeVersion): boolean {
  return compareMinor(v, { major: 1, minor: 17 }) >= 0;
}

/** supportedMinors: every supported minor release, oldest first, for tests and docs. */
export function supportedMinors(): KubeVersion[] {
  const out: KubeVersion[] = [];
  for (let minor = SUPPORTED.min.minor; minor <= SUPPORTED.max.minor; minor++) {
    out.push({ text: `1.${minor}.0`, major: 1, minor, patch: 0 });
  }
  return out;
}
