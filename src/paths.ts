// Paths and names as every stage checks and orders them: a file's target on a node, a path inside a
// bundle, the folders above them, and the one sort order of everything that reaches output.
import path from "node:path";

/** byteOrder: code-unit order of two strings (byte order for the ASCII that paths, names and flags hold), the same on every
 *  machine and locale, unlike localeCompare. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** absolutePath: `p` when it is an absolute, normalised path other than "/" without a trailing slash; else throws, naming `who`. */
export function absolutePath(p: string, who: string): string {
  if (!p.startsWith("/") || p === "/" || path.posix.normalize(p) !== p || p.endsWith("/")) {
    throw new Error(`${who}: ${JSON.stringify(p)} is not an absolute normalised path`);
  }
  return p;
}

/** relativePath: `p` when it is a plain relative path that tools write and read verbatim (no empty, "." or ".." segment, no
 *  backslash, newline, CR or NUL); else throws, naming `who`. */
export function relativePath(p: string, who: string): string {
  const bad = p === "" || p.startsWith("/") || /[\\\n\r\0]/.test(p) || p.split("/").some((seg) => seg === "" || seg === "." || seg === "..");
  if (bad) throw new Error(`${who}: ${JSON.stringify(p)} is not a plain relative path`);
  return p;
}

/** parentDirs: every folder above each of `paths` (absolute: up to "/"; relative: up to "."), without those tops, in byte
 *  order, so that each folder comes before the folders inside it. */
export function parentDirs(paths: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let d = path.posix.dirname(p); d !== "/" && d !== "."; d = path.posix.dirname(d)) dirs.add(d);
  }
  return [...dirs].sort(byteOrder);
}
