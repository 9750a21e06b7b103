// The bundle's SHA256SUMS: one `<hex>  <path>` line per file, as `sha256sum -c` reads it.
import { createHash } from "node:crypto";
import { byteOrder, relativePath } from "../paths.js";

/** SumsFile: one file of a bundle; `path` is relative to the bundle root ("rootfs/etc/..."). */
export interface SumsFile {
  path: string;
  content: Buffer | string;
}

/** sha256sums: SHA256SUMS text, lines sorted by path (byte order), trailing newline; "" for no files; throws on a bad or repeated path. */
export function sha256sums(files: readonly SumsFile[]): string {
  const rows = files.map((f) => ({ path: relativePath(f.path, "SHA256SUMS"), hex: createHash("sha256").update(f.content).digest("hex") }));
  rows.sort((a, b) => byteOrder(a.path, b.path));
  rows.forEach((r, i) => {
    if (i > 0 && r.path === rows[i - 1]!.path) throw new Error(`SHA256SUMS: ${r.path} is listed twice`);
  });
  return rows.map((r) => `${r.hex}  ${r.path}\n`).join("");
}
