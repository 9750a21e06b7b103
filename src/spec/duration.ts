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

/** durationHint: a corrected spelling for common mistakes ("1y" -> "8760h"), or undefined. */
export function durationHint(text: string): string | undefined {
  const m = /^\s*(\d+)\s*(y|d|w|h|years?|days?|weeks?|hours?)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase()[0];
  const hours = unit === "y" ? n * 8760 : unit === "w" ? n * 168 : unit === "d" ? n * 24 : n;
  return hours > 0 ? `${hours}h` : undefined;
}
