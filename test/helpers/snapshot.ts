// Snapshots of a folder tree, for "nothing changed" and "these two trees are equal" assertions.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** snapshot: relative path (folders end in "/") -> "mode sha256" (folders: mode); with `identity`,
 *  also inode and mtime, so that equal snapshots mean nothing was even rewritten. */
export function snapshot(dir: string, opts: { identity?: boolean } = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const p = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const id = opts.identity ? ` ${st.ino} ${st.mtimeMs}` : "";
      if (st.isDirectory()) {
        out[`${r}/`] = `${(st.mode & 0o7777).toString(8)}${id}`;
        walk(p, r);
      } else {
        const sum = st.isFile() ? createHash("sha256").update(readFileSync(p)).digest("hex") : `link ${st.isSymbolicLink()}`;
        out[r] = `${(st.mode & 0o7777).toString(8)} ${sum}${id}`;
      }
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return out;
}
