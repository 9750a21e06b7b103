// Questions asked of the flag table for a target release, and the problems an extraArgs entry
// has there: one code path that reads KCM_FLAGS and KCM_VALUE_RULES.
import { compareMinor, minorOf, parseVersion, type KubeVersion } from "../plan/contract.js";
import type { SpecProblem } from "../spec/schema-validator.js";
import { pointerToken } from "../errors.js";
import { KCM_FLAGS, KCM_VALUE_RULES, type FlagRow, type ValueRule } from "./kcm-flags.js";

// --- named questions about a row and a release ---

const release = (minor: string): KubeVersion => {
  const v = parseVersion(minor);
  if (!v) throw new Error(`bad release "${minor}" in KCM_FLAGS`);
  return v;
};

/** isRemovedIn: true when the target release's binary rejects the flag. */
export function isRemovedIn(row: FlagRow, v: KubeVersion): boolean {
  return row.removedIn !== undefined && compareMinor(v, release(row.removedIn)) >= 0;
}

/** isNotYetIn: true when the flag is newer than the target release. */
export function isNotYetIn(row: FlagRow, v: KubeVersion): boolean {
  return row.since !== undefined && compareMinor(v, release(row.since)) < 0;
}

const isAfterUntil = (row: FlagRow, v: KubeVersion) => row.until !== undefined && compareMinor(v, release(row.until)) > 0;

/** isPastDefault: true when the flag still exists but is no longer emitted by default. */
export function isPastDefault(row: FlagRow, v: KubeVersion): boolean {
  return isAfterUntil(row, v) && !isRemovedIn(row, v);
}

/** isEmittedIn: true when the row has a default value and the target release gets it by default. */
export function isEmittedIn(row: FlagRow, v: KubeVersion): boolean {
  return row.value !== undefined && !isNotYetIn(row, v) && !isRemovedIn(row, v) && !isAfterUntil(row, v);
}

/** flagRow: the table row of a flag name (without `--`), if any. */
export function flagRow(flag: string): FlagRow | undefined {
  return KCM_FLAGS.find((r) => r.flag === flag);
}

// --- extraArgs validation ---

/** extraArgPointer: the JSON pointer of an extraArgs entry. */
export const extraArgPointer = (flag: string) => `/controllerManager/extraArgs/${pointerToken(flag)}`;
const problem = (flag: string, severity: SpecProblem["severity"], message: string, hint?: string): SpecProblem =>
  hint === undefined ? { pointer: extraArgPointer(flag), message, severity } : { pointer: extraArgPointer(flag), message, hint, severity };
const instead = (row: FlagRow) => (row.replacedBy !== undefined ? `use --${row.replacedBy} instead` : row.note ?? "no replacement");

/** releaseProblems: a flag set in extraArgs that the target release lacks (error) or no longer sets (warning). */
function releaseProblems(v: KubeVersion, flag: string): SpecProblem[] {
  const row = flagRow(flag);
  const target = `target ${minorOf(v)}`;
  if (!row) return [];
  if (isRemovedIn(row, v)) {
    return [problem(flag, "error", `--${flag} was removed in Kubernetes ${row.removedIn} (${target}): ${instead(row)}`, row.replacedBy)];
  }
  if (isNotYetIn(row, v)) {
    const before = KCM_FLAGS.find((r) => r.replacedBy === flag);
    const use = before ? `: use --${before.flag}` : "";
    return [problem(flag, "error", `--${flag} does not exist before Kubernetes ${row.since} (${target})${use}`, before?.flag)];
  }
  if (isPastDefault(row, v)) {
    return [problem(flag, "warning", `--${flag} is no longer set by default after Kubernetes ${row.until} (${target}) and is removed in ${row.removedIn}: ${instead(row)}`)];
  }
  return [];
}

/** refusingRules: the KCM_VALUE_RULES by which release `v` refuses `value` for `flag`. */
export function refusingRules(v: KubeVersion, flag: string, value: string): ValueRule[] {
  return KCM_VALUE_RULES.filter(
    (r) => r.flag === flag && r.values.includes(value) && ((r.refusedIn !== undefined && compareMinor(v, release(r.refusedIn)) >= 0) || (r.since !== undefined && compareMinor(v, release(r.since)) < 0)),
  );
}

/** valueProblems: an extraArgs value that the target release refuses (KCM_VALUE_RULES). */
function valueProblems(v: KubeVersion, flag: string, value: string): SpecProblem[] {
  return refusingRules(v, flag, value).map((r) => {
    const when = r.refusedIn !== undefined ? `is refused from Kubernetes ${r.refusedIn}` : `does not exist before Kubernetes ${r.since}`;
    return problem(flag, "error", `--${flag}=${value} ${when} (target ${minorOf(v)}): ${r.why}; use ${r.use}`, r.use);
  });
}

/** finalFlagNames: the flag names a release's defaults plus extraArgs produce (no values needed). */
export function finalFlagNames(v: KubeVersion, extraArgs: Record<string, string | null>): Set<string> {
  const names = new Set(KCM_FLAGS.filter((r) => isEmittedIn(r, v)).map((r) => r.flag));
  for (const [flag, value] of Object.entries(extraArgs)) {
    if (value === null) names.delete(flag);
    else names.add(flag);
  }
  return names;
}

/** conflictProblems: pairs of flags that must not both be set, reported at the extraArgs entry that causes them. */
function conflictProblems(v: KubeVersion, extraArgs: Record<string, string | null>, refused: Set<string>): SpecProblem[] {
  const names = finalFlagNames(v, extraArgs);
  const out: SpecProblem[] = [];
  for (const row of KCM_FLAGS) {
    if (!row.neverWith || !names.has(row.flag) || refused.has(row.flag)) continue;
    for (const other of row.neverWith.flags) {
      if (!names.has(other) || refused.has(other)) continue;
      const at = typeof extraArgs[row.flag] === "string" ? row.flag : other;
      out.push(problem(at, "error", `--${row.flag} and --${other} must not both be set (target ${minorOf(v)}): ${row.neverWith.why}`));
    }
  }
  return out;
}

/** extraArgsProblems: errors for extraArgs flags or values the target release lacks or that clash, warnings for inert ones; null entries are never wrong. */
export function extraArgsProblems(version: KubeVersion, extraArgs: Record<string, string | null>): SpecProblem[] {
  const out: SpecProblem[] = [];
  const refused = new Set<string>();
  for (const [flag, value] of Object.entries(extraArgs)) {
    if (value === null) continue;
    const found = [...releaseProblems(version, flag), ...valueProblems(version, flag, value)];
    if (found.some((p) => p.severity === "error")) refused.add(flag);
    out.push(...found);
  }
  return [...out, ...conflictProblems(version, extraArgs, refused)];
}
