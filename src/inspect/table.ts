// The text table `inspect` prints.
import type { InspectReport, InspectRow } from "./report.js";

/** CONTROLS: what a terminal may act on instead of printing: C0 controls (ESC starts escape sequences, BEL, CR...), DEL,
 *  C1 controls (U+009B is CSI to some terminals), and the Unicode line separators and bidirectional overrides. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** escapeControls: `text` with every character of CONTROLS written as a JSON escape (\n, \u001b), as formatProblem does for
 *  generate's problems: a subject, a SAN or a file name can hold anything, and the terminal must show it, not obey it. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const j = JSON.stringify(c).slice(1, -1);
    return j.length > 1 ? j : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** JSON_LEFT: the CONTROLS that JSON.stringify leaves unescaped in strings (it escapes C0 itself; its own newlines are layout). */
const JSON_LEFT = /[\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** safeJson: JSON text with the controls JSON.stringify leaves as they are (DEL, C1, separators, overrides) escaped too; the same data. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_LEFT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** DEFAULT_WIDTH: the width lines are fitted to when the terminal's is not known (output to a pipe or a file). */
export const DEFAULT_WIDTH = 100;

/** MIN_WIDTH: narrower terminals get lines of this width anyway (the labels alone take 11 columns). */
const MIN_WIDTH = 40;

/** SAN_LINES: how many lines a SAN list may take before the rest is counted instead of listed (--json lists them all). */
const SAN_LINES = 3;

/** LABEL: the indent and width of a field's label; values start after it. */
const LABEL = 11;

/** breakWord: `word` cut into pieces of at most `width` characters, after a "/", "#" or ":" where one falls in the
 *  second half of a piece (paths break between their parts). */
function breakWord(word: string, width: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (rest.length > width) {
    const head = rest.slice(0, width);
    const cut = Math.max(head.lastIndexOf("/"), head.lastIndexOf("#"), head.lastIndexOf(":")) + 1;
    const at = cut > width / 2 ? cut : width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out;
}

/** wrapItems: `items` joined by `sep` into lines of at most `width` characters, breaking only between items (an item wider
 *  than a line is cut). */
function wrapItems(items: readonly string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const item of items) {
    const piece = cur === "" ? item : `${cur}${sep}${item}`;
    if (piece.length <= width) {
      cur = piece;
      continue;
    }
    if (cur !== "") lines.push(`${cur}${sep.trimEnd()}`);
    const parts = breakWord(item, width);
    lines.push(...parts.slice(0, -1));
    cur = parts.at(-1)!;
  }
  if (cur !== "" || lines.length === 0) lines.push(cur);
  return lines;
}

/** sanLines: the SANs wrapped to `width`, at most SAN_LINES lines; past that the last line says how many more there are. */
function sanLines(sans: readonly string[], width: number): string[] {
  if (sans.length === 0) return ["-"];
  const all = wrapItems(sans, ", ", width);
  if (all.length <= SAN_LINES) return all;
  for (let shown = sans.length - 1; shown > 0; shown--) {
    const more = `... and ${sans.length - shown} more (--json lists them all)`;
    const lines = wrapItems([...sans.slice(0, shown), more], ", ", width);
    if (lines.length <= SAN_LINES) return lines;
  }
  return [`${sans.length} SANs (--json lists them all)`];
}

/** field: "  label    value" lines, the value's continuation lines under its start. */
function field(label: string, values: readonly string[]): string[] {
  return values.map((v, i) => `${i === 0 ? `  ${label}`.padEnd(LABEL) : " ".repeat(LABEL)}${v}`);
}

function status(r: InspectRow): string {
  const errors = r.findings.filter((f) => f.severity === "error").length;
  const warnings = r.findings.length - errors;
  if (r.expired) return errors > 1 ? `EXPIRED and ${errors - 1} more problem${errors > 2 ? "s" : ""}` : "EXPIRED";
  if (errors > 0) return `${errors} PROBLEM${errors === 1 ? "" : "S"}`;
  if (warnings > 0) return "EXPIRES SOON";
  return "ok";
}

function chainText(r: InspectRow): string {
  if (!r.chains) return "NO";
  if (r.chainedTo === "self-signed") return "self-signed";
  return `${r.chain.join(" -> ")} (root)`;
}

function keyText(r: InspectRow): string {
  const base = `${r.key}, ${r.signatureAlgorithm}`;
  const k = r.privateKey;
  if (!k) return base;
  return `${base}; private key ${k.file} ${k.matches === true ? "matches" : k.matches === false ? "DOES NOT MATCH" : "not checked (encrypted or unreadable)"}`;
}

/** block: the lines of one certificate, every one at most `width` columns (the file name and values wrap). */
function block(r: InspectRow, width: number): string[] {
  const e = escapeControls;
  const w = width - LABEL;
  const wrap = (text: string) => wrapItems(text.split(" "), " ", w);
  const lines = breakWord(e(r.file), width);
  if (r.error) return [...lines, ...field("status", wrap(`UNREADABLE: ${e(r.error)}`))];
  lines.push(...field("status", wrap(status(r))));
  lines.push(...field("subject", wrapItems(e(r.subject).split(", "), ", ", w)));
  lines.push(...field("sans", sanLines(r.sans.map(e), w)));
  lines.push(...field("issuer", wrapItems(e(r.issuer).split(", "), ", ", w)));
  lines.push(...field("chain", wrapItems(e(chainText(r)).split(" "), " ", w)));
  lines.push(...field("key", wrap(e(keyText(r)))));
  lines.push(...field("valid", wrap(`${r.notBefore} to ${r.notAfter} (${r.expired ? `expired ${-r.daysLeft} days ago` : `${r.daysLeft} days left`})`)));
  lines.push(...field("serial", breakWord(r.serial, w)));
  for (const f of r.findings) lines.push(...field(f.severity === "error" ? "PROBLEM" : "warning", wrap(e(f.message))));
  return lines;
}

/** formatTable: one block per certificate (file, status, subject, SANs, issuer, chain, key, validity, serial, findings),
 *  then a summary and every problem and warning; no line is wider than `width` (the terminal's, else DEFAULT_WIDTH). */
export function formatTable(report: InspectReport, width = DEFAULT_WIDTH): string {
  const cols = Math.max(MIN_WIDTH, Math.floor(width));
  const lines: string[] = [];
  for (const r of report.certificates) lines.push(...block(r, cols), "");
  const n = report.certificates.length;
  const count = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  const tail = report.problems.length + report.warnings.length === 0 ? "no problems" : [report.problems.length > 0 ? count(report.problems.length, "problem") : "", report.warnings.length > 0 ? `${count(report.warnings.length, "certificate")} expiring within ${report.warn.text}` : ""].filter(Boolean).join(", ");
  lines.push(...wrapItems(`${count(n, "certificate")} under ${escapeControls(report.path)}: ${tail}`.split(" "), " ", cols));
  for (const p of [...report.problems.map((p) => `problem: ${p}`), ...report.warnings.map((w) => `warning: ${w}`)]) {
    wrapItems(escapeControls(p).split(" "), " ", cols - 4).forEach((l, i) => lines.push(`${i === 0 ? "  " : "    "}${l}`));
  }
  return lines.join("\n");
}
