// Refuse to write into a folder kubebundle did not write (unless --force), or one whose kubebundle
// entries were damaged by hand; say plainly when the disk, not the input, stops a write.
import { existsSync, lstatSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { lastManifest } from "./manifest.js";
import { isScratch, tempInside, tempSibling, type OutTree } from "./out-tree.js";

/** guardOutDir: throws InputError when `dir` is a file, the root folder, or a non-empty folder without a kubebundle manifest (unless force). */
export function guardOutDir(dir: string, force: boolean): void {
  const fail = (message: string) => new InputError("out-refused", `${dir}: ${message}`, [{ file: dir, pointer: "", message, severity: "error" }]);
  if (path.resolve(dir) === path.parse(path.resolve(dir)).root) throw fail("refusing to use the root folder as the output folder");
  for (let up = path.dirname(dir); up !== path.dirname(up); up = path.dirname(up)) {
    if (existsSync(up) && !statSync(up).isDirectory()) throw fail(`${up} is not a folder`);
  }
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw fail("is not a folder");
  // Scratch folders of an interrupted run (inside a mount point) are not the user's: the run removes them.
  if (force || readdirSync(dir).filter((n) => !isScratch(n)).length === 0 || lastManifest(dir) !== undefined) return;
  throw fail("is not empty and holds no kubebundle manifest.json; choose another --out or pass --force");
}

/** TOP_KINDS: what each of kubebundle's top-level entries of out/ must be when it is there. */
const TOP_KINDS: Record<string, "file" | "folder"> = {
  ".gitignore": "file",
  "manifest.json": "file",
  "check-ha.sh": "file",
  pki: "folder",
  nodes: "folder",
  bundles: "folder",
  admin: "folder",
  ansible: "folder",
};

/** kindOf: "file", "folder", "symbolic link" or another kind of entry for `p`; undefined when nothing is there. */
function kindOf(p: string): string | undefined {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return "symbolic link";
  if (st.isDirectory()) return "folder";
  if (st.isFile()) return "file";
  return st.isFIFO() ? "FIFO" : st.isSocket() ? "socket" : "device";
}

function damaged(p: string, found: string, want: string): InputError {
  const message = `is a ${found} where kubebundle keeps a ${want}: out/ was changed by hand`;
  const hint = "restore what kubebundle wrote there from Git or a backup, or move it out of the way";
  return new InputError("out-damaged", `${p}: ${message}`, [{ file: p, pointer: "", message, hint, severity: "error" }]);
}

/** checkOutEntries: throws InputError ("out-damaged") when one of kubebundle's top-level entries of `dir` is not what
 *  kubebundle writes there (out/nodes a symlink, out/bundles a file...); with `tree`, also when a folder on the way to
 *  one of its files, or the file itself, is something else (a file where a folder goes, a folder, link or FIFO where a
 *  file goes). Reads only names and types, never contents. */
export function checkOutEntries(dir: string, tree?: OutTree): void {
  if (!existsSync(dir)) return;
  for (const [name, want] of Object.entries(TOP_KINDS)) {
    const found = kindOf(path.join(dir, name));
    if (found !== undefined && found !== want) throw damaged(path.join(dir, name), found, want);
  }
  if (!tree) return;
  const seen = new Map<string, string | undefined>();
  const kind = (rel: string) => {
    if (!seen.has(rel)) seen.set(rel, kindOf(path.join(dir, rel)));
    return seen.get(rel);
  };
  for (const rel of tree.keys()) {
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const at = parts.slice(0, i).join("/");
      const want = i < parts.length ? "folder" : "file";
      const found = kind(at);
      if (found === undefined) break;
      if (found !== want) throw damaged(path.join(dir, at), found, want);
    }
  }
}

/** REASONS: errors of the file system that stop a write for a reason outside kubebundle, in words. */
const REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EBUSY: "an entry is a mount point or busy, and cannot be moved",
  EMLINK: "too many links",
  EIO: "an input/output error",
};

/** unwritable: the InputError ("out-unwritable") for a file-system error `e` met while writing `dir` when the disk or
 *  the system is the cause (full disk, quota, read-only, permissions, a busy mount point), naming the path in out/
 *  terms (a scratch folder's path is shown as the entry of `dir` it stands for); undefined for any other error. */
export function unwritable(e: unknown, dir: string): InputError | undefined {
  const err = e as NodeJS.ErrnoException;
  const reason = err && typeof err.code === "string" ? REASONS[err.code] : undefined;
  if (!reason) return undefined;
  let at = typeof err.path === "string" ? err.path : undefined;
  for (const scratch of [tempSibling(dir, "tmp"), tempInside(dir, "tmp"), tempInside(dir, "old")]) {
    if (at !== undefined && (at === scratch || at.startsWith(`${scratch}/`))) at = dir + at.slice(scratch.length);
  }
  const where = at !== undefined && at !== dir ? `, at ${at}` : "";
  return new InputError("out-unwritable", `${dir}: cannot write the output folder: ${reason} (${err.code}${where}); ${dir} is left as it was`);
}
