// Go durations, read as Go's time.ParseDuration reads them: one parser for the spec's validities
// ("8760h", "876000h", as cfssl writes them) and for the duration flags kubebundle reads back.

/** Duration: the user's text and the parsed length in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const PART = /(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

/** MAX_NS: Go keeps a duration in an int64 of nanoseconds; longer texts are "invalid duration" there (2562047h47m16.854775807s). */
const MAX_NS = (1n << 63n) - 1n;

/** readGo: the nanoseconds of a Go duration ("15s", "1m30s", "1.5h", "-2s", "0"), or why Go's time.ParseDuration fails:
 *  "syntax" (no unit, a bare ".", an unknown unit) or "range" (past int64). Fractions are truncated to the nanosecond. */
function readGo(text: string): bigint | "syntax" | "range" {
  const sign = text.startsWith("-") ? -1n : 1n;
  const body = /^[-+]/.test(text) ? text.slice(1) : text;
  if (body === "0") return 0n;
  if (body === "") return "syntax";
  let total = 0n;
  for (let at = 0; at < body.length; at = PART.lastIndex) {
    PART.lastIndex = at;
    const p = PART.exec(body);
    if (!p || (p[1] === "" && (p[2] ?? "") === "")) return "syntax";
    const unit = UNIT_NS[p[3]!]!;
    const frac = p[2] ?? "";
    total += BigInt(p[1] || "0") * unit + (frac === "" ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length));
  }
  return total > MAX_NS + (sign < 0n ? 1n : 0n) ? "range" : sign * total;
}

/** parseGoDurationNs: the nanoseconds of a Go duration; null where Go's time.ParseDuration fails. */
export function parseGoDurationNs(text: string): bigint | null {
  const ns = readGo(text);
  return typeof ns === "bigint" ? ns : null;
}

/** parseGoDuration: a Go duration in milliseconds (fractions kept: "1ns" is 0.000001); null where Go refuses it. */
export function parseGoDuration(text: string): number | null {
  const ns = parseGoDurationNs(text);
  return ns === null ? null : Number(ns) / 1e6;
}

/** MAX_HOURS: the longest validity, in whole hours: what fits Go's duration (cfssl and kube-controller-manager parse it). */
export const MAX_HOURS = Number(MAX_NS / UNIT_NS.h!);

/** parseDuration: a validity ("8760h") -> {text, ms}; null unless a positive Go duration of whole seconds, at most MAX_HOURS. */
export function parseDuration(text: string): Duration | null {
  return durationProblem(text) === undefined ? { text, ms: Number(parseGoDurationNs(text)! / 1_000_000n) } : null;
}

/** durationProblem: why a validity is refused, as the end of a sentence about it ("must be longer than zero"); undefined when it is accepted. */
export function durationProblem(text: string): string | undefined {
  const ns = readGo(text);
  const tooLong = `is longer than kubebundle accepts (at most ${MAX_HOURS}h, Go's longest duration)`;
  if (ns === "syntax") return "is not a Go duration in hours like 8760h";
  if (ns === "range" || ns > BigInt(MAX_HOURS) * UNIT_NS.h!) return tooLong;
  if (ns <= 0n) return "must be longer than zero";
  if (ns % UNIT_NS.s! !== 0n) return "must be a whole number of seconds (certificate times have none smaller)";
  return undefined;
}

/** durationHint: a corrected spelling for common mistakes ("1y" -> "8760h"), or undefined; only ever a text parseDuration accepts. */
export function durationHint(text: string): string | undefined {
  const m = /^\s*(\d+)\s*(y|d|w|h|years?|days?|weeks?|hours?)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase()[0];
  const hours = unit === "y" ? n * 8760 : unit === "w" ? n * 168 : unit === "d" ? n * 24 : n;
  if (!Number.isSafeInteger(hours)) return undefined;
  const hint = `${hours}h`;
  return hint !== text && parseDuration(hint) !== null ? hint : undefined;
}
