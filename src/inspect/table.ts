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

const HEADER = ["FILE", "SUBJECT", "SANS", "ISSUER", "KEY", "SERIAL", "NOT-AFTER", "DAYS-LEFT", "CHAINS"];

/** shortName: the CN and O of a formatted name ("CN=admin, O=system:masters"), the whole name when it has neither. */
export function shortName(dn: string): string {
  const parts = dn.split(", ");
  const pick = ["CN=", "O="].flatMap((p) => parts.filter((x) => x.startsWith(p)));
  return pick.length > 0 ? pick.join(", ") : dn;
}

function cells(r: InspectRow): string[] {
  if (r.error) return [r.file, `unreadable: ${r.error}`, "", "", "", "", "", "", "NO"];
  const chains = r.chainedTo === "self-signed" ? "self-signed" : r.chains ? `yes (${r.chainedTo})` : "NO";
  const days = r.expired ? `EXPIRED (${r.daysLeft})` : String(r.daysLeft);
  return [r.file, shortName(r.subject), r.sans.join(",") || "-", shortName(r.issuer), r.key, r.serial, r.notAfter.slice(0, 10), days, chains];
}

/** formatTable: aligned columns (file, subject, SANs, issuer, key, serial, not-after, days left, chains), then the problems. */
export function formatTable(report: InspectReport): string {
  const rows = [HEADER, ...report.certificates.map((r) => cells(r).map(escapeControls))];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
  const n = report.certificates.length;
  lines.push("", `${n} certificate${n === 1 ? "" : "s"} under ${escapeControls(report.path)}; ${report.problems.length === 0 ? "no problems" : `${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}:`}`);
  for (const p of report.problems) lines.push(`  ${escapeControls(p)}`);
  return lines.join("\n");
}
