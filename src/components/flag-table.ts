// A component's flag table by release: the row and rule types, the questions asked of a row for a
// target release, and the problems an extraArgs entry has there. One code path for every table.
import { compareMinor, minorOf, parseVersion, type KubeVersion } from "./release.js";
import type { SpecProblem } from "../spec/schema-validator.js";
import { pointerToken } from "../errors.js";
import type { Cluster, ClusterNode } from "../spec/cluster.js";

/** FlagContext: what a row's value is computed from. */
export interface FlagContext {
  cluster: Cluster;
  node: ClusterNode;
}

/** FlagRow: one flag (name without `--`); releases are minor versions such as "1.24". */
export interface FlagRow {
  flag: string;
  /** Default value; absent for rows that exist only to refuse the flag in extraArgs. */
  value?: (ctx: FlagContext) => string;
  /** First release whose binary has the flag (default: every supported release). */
  since?: string;
  /** Last release in which the flag is emitted by default (default: every release it exists in). */
  until?: string;
  /** First release whose binary rejects the flag as unknown. */
  removedIn?: string;
  /** The flag (a row of this table) that takes over from this one. */
  replacedBy?: string;
  /** What to do instead when there is no replacement flag; also the row's documentation. */
  note?: string;
  /** A boolean flag: its value must be one Go's strconv.ParseBool reads (the binary refuses to start otherwise). */
  bool?: true;
  /** Flags that must never be set together with this one, and why. */
  neverWith?: { flags: readonly string[]; why: string };
  /** Emitted by default only when this says so (a setting of the spec, a release after the flag's `since`); absent: always. */
  when?: (cluster: Cluster) => boolean;
}

/** ValueRule: values of a flag that releases refuse, from `refusedIn` on or before `since`, and the value to use instead. */
export interface ValueRule {
  flag: string;
  values: readonly string[];
  /** First release that refuses the values (a rule has this or `since`). */
  refusedIn?: string;
  /** First release that knows the values; older ones refuse them. */
  since?: string;
  /** The value that works instead. */
  use: string;
  why: string;
}

/** FlagTable: one component's flags and value rules, and the spec section whose `extraArgs` override them. */
export interface FlagTable {
  /** The spec section holding `extraArgs` ("controllerManager"). */
  section: string;
  flags: readonly FlagRow[];
  valueRules: readonly ValueRule[];
  /** The release axis of the rows' `since`/`until`/`removedIn` when it is not Kubernetes' (etcd's own releases): the
   *  product named in messages, and the release a cluster, or a spec still being validated (null when unreadable), targets. */
  release?: { product: string; of(c: Cluster): KubeVersion; ofSpec(spec: Record<string, unknown>): KubeVersion | null };
}

/** productOf: the name messages give the table's releases ("Kubernetes", "etcd"). */
export const productOf = (table: FlagTable) => table.release?.product ?? "Kubernetes";

/** releaseOf: the release of the table's axis a cluster targets (kubernetesVersion, or e.g. etcd.version). */
export const releaseOf = (table: FlagTable, c: Cluster): KubeVersion => (table.release ? table.release.of(c) : c.version);

// --- named questions about a row and a release ---

const release = (minor: string): KubeVersion => {
  const v = parseVersion(minor);
  if (!v) throw new Error(`bad release "${minor}" in a flag table`);
  return v;
};

/** Released: what the release questions read of a row (a flag-table row, a known-flag row). */
type Released = Pick<FlagRow, "since" | "removedIn">;

/** isRemovedIn: true when the target release's binary rejects the flag. */
export function isRemovedIn(row: Released, v: KubeVersion): boolean {
  return row.removedIn !== undefined && compareMinor(v, release(row.removedIn)) >= 0;
}

/** isNotYetIn: true when the flag is newer than the target release. */
export function isNotYetIn(row: Released, v: KubeVersion): boolean {
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

/** flagRow: the table's row of a flag name (without `--`), if any. */
export function flagRow(table: FlagTable, flag: string): FlagRow | undefined {
  return table.flags.find((r) => r.flag === flag);
}

/** defaultFlags: the flags the target release gets by default, in table order, with their values for one node. */
export function defaultFlags(table: FlagTable, ctx: FlagContext): Map<string, string> {
  const flags = new Map<string, string>();
  const v = releaseOf(table, ctx.cluster);
  for (const row of table.flags) if (isEmittedIn(row, v) && (row.when?.(ctx.cluster) ?? true)) flags.set(row.flag, row.value!(ctx));
  return flags;
}

// --- extraArgs validation ---

/** extraArgPointer: the JSON pointer of an extraArgs entry of the table's section. */
export const extraArgPointer = (table: FlagTable, flag: string) => `/${table.section}/extraArgs/${pointerToken(flag)}`;
const instead = (row: FlagRow) => (row.replacedBy !== undefined ? `use --${row.replacedBy} instead` : row.note ?? "no replacement");

/** releaseProblems: a flag set in extraArgs that the target release lacks (error) or no longer sets (warning). */
function releaseProblems(table: FlagTable, v: KubeVersion, flag: string): SpecProblem[] {
  const row = flagRow(table, flag);
  const target = `target ${minorOf(v)}`;
  const problem = (severity: SpecProblem["severity"], message: string, hint?: string): SpecProblem =>
    ({ pointer: extraArgPointer(table, flag), message, severity, ...(hint === undefined ? {} : { hint }) });
  if (!row) return [];
  const product = productOf(table);
  if (isRemovedIn(row, v)) {
    return [problem("error", `--${flag} was removed in ${product} ${row.removedIn} (${target}): ${instead(row)}`, row.replacedBy)];
  }
  if (isNotYetIn(row, v)) {
    const before = table.flags.find((r) => r.replacedBy === flag);
    const use = before ? `: use --${before.flag}` : "";
    return [problem("error", `--${flag} does not exist before ${product} ${row.since} (${target})${use}`, before?.flag)];
  }
  if (isPastDefault(row, v)) {
    return [problem("warning", `--${flag} is no longer set by default after ${product} ${row.until} (${target}) and is removed in ${row.removedIn}: ${instead(row)}`)];
  }
  return [];
}

/** refusingRules: the table's value rules by which release `v` refuses `value` for `flag`. */
export function refusingRules(table: FlagTable, v: KubeVersion, flag: string, value: string): ValueRule[] {
  return table.valueRules.filter(
    (r) => r.flag === flag && r.values.includes(value) && ((r.refusedIn !== undefined && compareMinor(v, release(r.refusedIn)) >= 0) || (r.since !== undefined && compareMinor(v, release(r.since)) < 0)),
  );
}

/** valueProblems: an extraArgs value that the target release refuses (the table's value rules). */
function valueProblems(table: FlagTable, v: KubeVersion, flag: string, value: string): SpecProblem[] {
  return refusingRules(table, v, flag, value).map((r) => {
    const when = r.refusedIn !== undefined ? `is refused from ${productOf(table)} ${r.refusedIn}` : `does not exist before ${productOf(table)} ${r.since}`;
    return { pointer: extraArgPointer(table, flag), message: `--${flag}=${value} ${when} (target ${minorOf(v)}): ${r.why}; use ${r.use}`, hint: r.use, severity: "error" as const };
  });
}

/** finalFlagNames: the flag names a release's defaults plus extraArgs produce (no values needed). */
export function finalFlagNames(table: FlagTable, v: KubeVersion, extraArgs: Record<string, string | null>): Set<string> {
  const names = new Set(table.flags.filter((r) => isEmittedIn(r, v)).map((r) => r.flag));
  for (const [flag, value] of Object.entries(extraArgs)) {
    if (value === null) names.delete(flag);
    else names.add(flag);
  }
  return names;
}

/** conflictProblems: pairs of flags that must not both be set, reported at the extraArgs entry that causes them. */
function conflictProblems(table: FlagTable, v: KubeVersion, extraArgs: Record<string, string | null>, refused: Set<string>): SpecProblem[] {
  const names = finalFlagNames(table, v, extraArgs);
  const out: SpecProblem[] = [];
  for (const row of table.flags) {
    if (!row.neverWith || !names.has(row.flag) || refused.has(row.flag)) continue;
    for (const other of row.neverWith.flags) {
      if (!names.has(other) || refused.has(other)) continue;
      const at = typeof extraArgs[row.flag] === "string" ? row.flag : other;
      out.push({ pointer: extraArgPointer(table, at), message: `--${row.flag} and --${other} must not both be set (target ${minorOf(v)}): ${row.neverWith.why}`, severity: "error" });
    }
  }
  return out;
}

/** extraArgsProblems: errors for extraArgs flags or values the target release lacks or that clash, warnings for inert ones; null entries are never wrong. */
export function extraArgsProblems(table: FlagTable, version: KubeVersion, extraArgs: Record<string, string | null>): SpecProblem[] {
  const out: SpecProblem[] = [];
  const refused = new Set<string>();
  for (const [flag, value] of Object.entries(extraArgs)) {
    if (value === null) continue;
    const found = [...releaseProblems(table, version, flag), ...valueProblems(table, version, flag, value)];
    if (found.some((p) => p.severity === "error")) refused.add(flag);
    out.push(...found);
  }
  return [...out, ...conflictProblems(table, version, extraArgs, refused)];
}
