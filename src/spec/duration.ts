// Go-style durations as cfssl writes them ("8760h", "876000h", "90h30m").

/** Duration: the user's text and the parsed length in milliseconds. */
export interface Duration {
  text: string;
  ms: number;
}

const PATTERN = /^(?:(\d{1,7})h)?(?:(\d{1,9})m)?(?:(\d{1,11})s)?$/;

/** parseDuration: "8760h" -> {text, ms}; null when not a positive h/m/s duration. */
export function parseDuration(text: string): Duration | null {
  const m = PATTERN.exec(text);
  if (!m || text === "") return null;
  const [h, min, s] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0)) as [number, number, number];
  const ms = ((h * 60 + min) * 60 + s) * 1000;
  return ms > 0 ? { text, ms } : null;
}

/** MAX_HOURS: the most hours parseDuration reads (seven digits). */
const MAX_HOURS = 9_999_999;

/** durationProblem: why parseDuration refuses a text, as the end of a sentence about it ("must be longer than zero"); undefined when it accepts it. */
export function durationProblem(text: string): string | undefined {
  if (parseDuration(text)) return undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") return "is not a Go duration in hours like 8760h";
  const [h, min, sec] = [m[1], m[2], m[3]].map((v) => Number(v ?? 0)) as [number, number, number];
  const hours = h + min / 60 + sec / 3600;
  if (hours === 0) return "must be longer than zero";
  if (hours > MAX_HOURS) return `is longer than kubebundle accepts (at most ${MAX_HOURS}h)`;
  return "has more digits than kubebundle reads (at most 7 for hours, 9 for minutes, 11 for seconds)";
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
