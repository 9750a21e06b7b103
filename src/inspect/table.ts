// The text table `inspect` prints.
import type { InspectReport, InspectRow } from "./report.js";

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
  const rows = [HEADER, ...report.certificates.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  "));
  const n = report.certificates.length;
  lines.push("", `${n} certificate${n === 1 ? "" : "s"} under ${report.path}; ${report.problems.length === 0 ? "no problems" : `${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}:`}`);
  for (const p of report.problems) lines.push(`  ${p}`);
  return lines.join("\n");
}
