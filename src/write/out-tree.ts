// The output folder as data (relative path -> mode and bytes), compared with the disk and
// written atomically: built beside out/ and swapped in, so a failure leaves out/ as it was.
import { chmodSync, cpSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** TreeFile: one file of out/. */
export interface TreeFile {
  mode: number;
  content: Buffer;
}

/** OutTree: every file kubebundle owns in out/, by relative POSIX path; folders are implied. */
export type OutTree = Map<string, TreeFile>;

/** MANAGED: top-level names kubebundle owns in out/; anything else there is the user's and is kept. */
export const MANAGED = new Set([".gitignore", "manifest.json", "pki", "nodes", "bundles", "admin", "check-ha.sh"]);

/** DIR_MODES: folders with a mode other than 0755 (pki/ and admin/ hold keys). */
const DIR_MODES: Record<string, number> = { pki: 0o700, admin: 0o700 };

/** TreeDiff: what a write would change, by relative path. */
export interface TreeDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

/** listFiles: every file (not folder) of the managed part of `dir`, as relative paths. */
export function listFiles(dir: string, rel = "", out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const r = rel ? `${rel}/${name}` : name;
    if (!rel && !MANAGED.has(name)) continue;
    const st = lstatSync(path.join(dir, name));
    if (st.isDirectory()) listFiles(path.join(dir, name), r, out);
    else out.push(r);
  }
  return out;
}

/** diffTree: compares `tree` with the managed part of `dir` (bytes and modes); a file on disk that is not in `tree` counts as removed only when the last run wrote it (`before`): anything else is the user's. */
export function diffTree(tree: OutTree, dir: string, before: ReadonlySet<string> = new Set()): TreeDiff {
  const onDisk = existsSync(dir) ? new Set(listFiles(dir)) : new Set<string>();
  const diff: TreeDiff = { added: [], changed: [], removed: [] };
  for (const [rel, f] of tree) {
    if (!onDisk.has(rel)) diff.added.push(rel);
    else {
      const p = path.join(dir, rel);
      if ((statSync(p).mode & 0o777) !== f.mode || !readFileSync(p).equals(f.content)) diff.changed.push(rel);
    }
  }
  for (const rel of onDisk) if (!tree.has(rel) && before.has(rel)) diff.removed.push(rel);
  for (const d of Object.keys(DIR_MODES)) {
    const p = path.join(dir, d);
    if ([...tree.keys()].some((k) => k.startsWith(`${d}/`)) && existsSync(p) && (statSync(p).mode & 0o777) !== DIR_MODES[d]) diff.changed.push(`${d}/`);
  }
  return diff;
}

function dirMode(rel: string): number {
  return DIR_MODES[rel.split("/")[0]!] ?? 0o755;
}

/** layTree: writes `tree` into the empty folder `dir` with explicit modes (umask does not apply). */
function layTree(tree: OutTree, dir: string): void {
  for (const rel of [...tree.keys()].sort()) {
    const p = path.join(dir, rel);
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      const dp = path.join(dir, d);
      if (!existsSync(dp)) {
        mkdirSync(dp);
        chmodSync(dp, dirMode(d));
      }
    }
    const f = tree.get(rel)!;
    writeFileSync(p, f.content, { mode: f.mode });
    chmodSync(p, f.mode);
  }
}

/** tempSibling: the scratch folder name beside `dir` for this process. */
export function tempSibling(dir: string, tag: "tmp" | "old"): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.kubebundle-${tag}-${process.pid}`);
}

/** alive: true when process `pid` exists (this one included). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** recoverStale: removes scratch folders of interrupted runs (not of live ones); restores out/ if a run died mid-swap. */
export function recoverStale(dir: string): void {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `.${path.basename(dir)}.kubebundle-`;
  for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix)).sort()) {
    const pid = Number(/-(\d+)$/.exec(name)?.[1]);
    if (name.endsWith(".lock") || (pid && alive(pid))) continue;
    const p = path.join(parent, name);
    if (name.startsWith(`${prefix}old-`) && !existsSync(dir)) renameSync(p, dir);
    else rmSync(p, { recursive: true, force: true });
  }
}

/** lockPath: the lock file beside `dir`. */
export function lockPath(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), `.${path.basename(path.resolve(dir))}.kubebundle.lock`);
}

/** lockOut: takes the lock beside `dir` (one run per output folder at a time); returns its release. Throws "busy: PID" when a live run holds it; no lock when `dir`'s parent does not exist yet. */
export function lockOut(dir: string): () => void {
  const lock = lockPath(dir);
  // No parent folder yet: nothing to guard, and a run that fails must not leave folders behind
  // (the write creates them).
  if (!existsSync(path.dirname(lock))) return () => {};
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(readFileSync(lock, "utf8"));
      if (holder && alive(holder)) throw new Error(`busy: ${holder}`);
      rmSync(lock, { force: true }); // left by a run that died
    }
  }
  throw new Error(`busy: ${lock}`);
}

/** dropScratch: removes this process's scratch folders and lock beside `dir` (never `dir` itself). */
export function dropScratch(dir: string): void {
  const lock = lockPath(dir);
  if (existsSync(lock) && readFileSync(lock, "utf8") === String(process.pid)) rmSync(lock, { force: true });
  for (const tag of ["tmp", "old"] as const) {
    const p = tempSibling(path.resolve(dir), tag);
    if (tag === "old" && !existsSync(path.resolve(dir)) && existsSync(p)) renameSync(p, path.resolve(dir));
    else rmSync(p, { recursive: true, force: true });
  }
}

/** keepOwner: gives `to` the owner of `from` (as root only; elsewhere everything is the caller's anyway). */
function keepOwner(from: string, to: string): void {
  if (process.getuid?.() !== 0) return;
  const st = lstatSync(from);
  lchownSync(to, st.uid, st.gid);
}

/** copyForeign: the user's own entry `rel` of `dir` into `tmp` (parents created), with modes, times and owners kept. */
function copyForeign(dir: string, tmp: string, rel: string): void {
  const from = path.join(dir, rel);
  const to = path.join(tmp, rel);
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  const walk = (f: string, t: string) => {
    keepOwner(f, t);
    if (lstatSync(f).isDirectory()) for (const n of readdirSync(f)) walk(path.join(f, n), path.join(t, n));
  };
  walk(from, to);
}

/** writeTreeAtomic: lays `tree` (plus the user's own files kept from `dir`: everything neither in `tree` nor written by the last run, `before`) beside `dir`, then swaps it in. */
export function writeTreeAtomic(tree: OutTree, dir: string, before: ReadonlySet<string> = new Set()): void {
  const tmp = tempSibling(dir, "tmp");
  const old = tempSibling(dir, "old");
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    if (existsSync(dir)) {
      chmodSync(tmp, statSync(dir).mode & 0o7777);
      keepOwner(dir, tmp);
      for (const name of readdirSync(dir)) if (!MANAGED.has(name)) copyForeign(dir, tmp, name);
    }
    layTree(tree, tmp);
    if (existsSync(dir)) for (const rel of listFiles(dir)) if (!tree.has(rel) && !before.has(rel)) copyForeign(dir, tmp, rel);
    if (existsSync(dir)) {
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(old)) renameSync(old, dir);
    throw e;
  }
}
