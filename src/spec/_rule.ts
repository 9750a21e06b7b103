// Internal: what every semantic rule shares.
import type { SpecProblem } from "./schema-validator.js";
import { isSupported, parseVersion, type KubeVersion } from "../components/release.js";

/** Obj: a JSON object as the rules see it. */
export type Obj = Record<string, unknown>;
/** Rule: adds the problems it finds in a (possibly schema-invalid) spec to `out`. */
export type Rule = (spec: Obj, out: SpecProblem[]) => void;

/** q: a user's value quoted for a one-line message (JSON escapes, long values cut). */
export const q = (v: string): string => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
/** hasControl: true when `v` holds a newline, NUL or another control character. */
export const hasControl = (v: string): boolean => /[\u0000-\u001f\u007f]/.test(v);
/** isObj: a JSON object (not an array, not null). */
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** str: a string. */
export const str = (v: unknown): v is string => typeof v === "string";
/** err: an error-severity problem. */
export const err = (pointer: string, message: string, hint?: string): SpecProblem =>
  hint === undefined ? { pointer, message, severity: "error" } : { pointer, message, hint, severity: "error" };
/** RFC1123_NAME: a host name of RFC 1123 labels (letters, digits, inner "-"; 1-63 each), at most 253 characters. */
export const RFC1123_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** versionOf: the spec's supported target release, else null (the version rule reports the rest). */
export function versionOf(s: Obj): KubeVersion | null {
  const v = str(s.kubernetesVersion) ? parseVersion(s.kubernetesVersion) : null;
  return v && isSupported(v) ? v : null;
}
