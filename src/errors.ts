// One error class for user mistakes (exit 2); anything else is a bug (exit 1).

/** Problem: one thing wrong with the input: where (file, JSON pointer, line:col) and what. */
export interface Problem {
  file: string;
  /** JSON pointer into the file ("/nodes/2/ip"); "" for the whole document. */
  pointer: string;
  message: string;
  /** A corrected value to try, when one is known. */
  hint?: string;
  line?: number;
  col?: number;
  severity: "error" | "warning";
}

/** pointerToken: one JSON-pointer reference token, "~" and "/" escaped (RFC 6901). */
export function pointerToken(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** InputError: the input is wrong (spec, CA files, flags, output folder); maps to exit 2. */
export class InputError extends Error {
  /** Stable machine-readable category, e.g. "spec-invalid", "ca-encrypted". */
  readonly code: string;
  readonly problems: Problem[];
  constructor(code: string, message: string, problems: Problem[] = []) {
    super(message);
    this.name = "InputError";
    this.code = code;
    this.problems = problems;
  }
}

/** formatProblem: `FILE:LINE:COL: /pointer: message (try: hint)` on one line; no pointer for a whole-file problem. */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.col ?? 1}` : p.file;
  const sev = p.severity === "warning" ? "warning: " : "";
  const hint = p.hint !== undefined ? ` (try: ${p.hint})` : "";
  const at = p.pointer ? `${p.pointer}: ` : "";
  return `${where}: ${at}${sev}${p.message}${hint}`.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}
