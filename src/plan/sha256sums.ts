// The bundle's SHA256SUMS: one `<hex>  <path>` line per file, as `sha256sum -c` reads it.
import { createHash } from "node:crypto";

/** SumsFile: one file of a bundle; `path` is relative to the bundle root ("rootfs/etc/..."). */
export interface SumsFile {
  path: string;
  content: Buffer | string;
}

/** sha256sums: SHA256SUMS text, lines sorted by path (byte order), trailing newline; "" for no files; throws on a bad or repeated path. */
export function sha256sums(files: readonly SumsFile[]): string {
  const rows = files.map((f) => ({ path: checkedPath(f.path), hex: createHash("sha256").update(f.content).digest("hex") }));
  rows.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  rows.forEach((r, i) => {
    if (i > 0 && r.path === rows[i - 1]!.path) throw new Error(`SHA256SUMS: ${r.path} is listed twice`);
  });
  return rows.map((r) => `${r.hex}  ${r.path}\n`).join("");
}

// --- internal ---

/** A relative, normalised path that sha256sum writes and reads verbatim (no escaping needed). */
function checkedPath(p: string): string {
  const bad =
    p === "" ||
    p.startsWith("/") ||
    /[\\\n\r\0]/.test(p) ||
    p.split("/").some((seg) => seg === "" || seg === "." || seg === "..");
  if (bad) throw new Error(`SHA256SUMS: ${JSON.stringify(p)} is not a plain relative path`);
  return p;
}
