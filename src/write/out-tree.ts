// The output folder as data (relative path -> mode and bytes), compared with the disk and
// written atomically: built beside out/ and swapped in, so a failure leaves out/ as it was
// (an out/ that cannot be moved, a mount point, gets its contents swapped instead); and the
// lock that lets one run at a time write an output folder.
import { chmodSync, cpSync, existsSync, lchownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { byteOrder } from "../paths.js";

/** TreeFile: one file of out/. */
export interface TreeFile {
  mode: number;
  content: Buffer;
}

/** OutTree: every file kubebundle owns in out/, by relative POSIX path; folders are implied. */
export type OutTree = Map<string, TreeFile>;

/** MANAGED: top-level names kubebundle owns in out/; anything else there is the user's and is kept. */
export const MANAGED = new Set([".gitignore", "manifest.json", "pki", "nodes", "bundles", "admin", "ansible", "check-ha.sh"]);

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

/** tempInside: the scratch folder name inside `dir` for this process, used when `dir` itself cannot be swapped (a mount point). */
export function tempInside(dir: string, tag: "tmp" | "old"): string {
  return path.join(dir, `.kubebundle-${tag}-${process.pid}`);
}

/** isScratch: true for the name of a scratch folder inside an output folder (`.kubebundle-tmp-PID`, `.kubebundle-old-PID`). */
export function isScratch(name: string): boolean {
  return /^\.kubebundle-(tmp|old)-\d+$/.test(name);
}

/** JOURNAL: the file inside an inner `old` folder that lists what a swap of contents moves; present from before the
 *  first move until the last one is done, so a swap cut short (a kill) is rolled back by the next run. */
const JOURNAL = ".kubebundle-swap.json";

/** lexists: true when `p` exists, a dangling symlink included. */
function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
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

/** procStart: when process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); undefined without /proc. */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2, the command name, is in parentheses and may hold spaces; field 3 follows the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** bootId: this boot's id (a process of another boot is gone, whatever its pid); undefined without /proc. */
function bootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

/** lockText: what a lock holds: `PID START BOOT` (start and boot `-` where /proc is not there). */
export function lockText(pid = process.pid): string {
  return `${pid} ${procStart(pid) ?? "-"} ${bootId() ?? "-"}\n`;
}

/** lockHolder: the pid of the live process that wrote lock text `text`, or 0 when that process is gone: no such pid, a
 *  pid of another boot, or a pid now held by a process that started at another time (the pid was reused). */
export function lockHolder(text: string): number {
  const [pidText, start, boot] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !alive(pid)) return 0;
  const thisBoot = bootId();
  if (boot && boot !== "-" && thisBoot !== undefined && boot !== thisBoot) return 0;
  const now = start && start !== "-" ? procStart(pid) : undefined;
  if (now !== undefined && now !== start) return 0;
  return pid;
}

/** held: what this process holds beside or inside output folders (locks with their text, parent folders it made,
 *  scratch folders), so that dropScratch finds them where they were made, whatever path the caller knows. */
const held = { locks: new Map<string, { text: string; made: Made[] }>(), scratch: new Set<string>() };

/** Made: folders lockOut created, from `top` (the first one made) down to `leaf` (the lock's folder). */
interface Made {
  top: string;
  leaf: string;
}

/** NO_LINKS: errors of link() on file systems without hard links. */
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/** placeNew: creates `to` holding `text`, failing with EEXIST when it exists. The text is written to `pending` first and
 *  hard-linked, so no reader ever sees it half-written; on a file system without hard links, an exclusive create. */
function placeNew(to: string, text: string, pending: string): void {
  try {
    writeFileSync(pending, text);
    try {
      linkSync(pending, to);
    } catch (e) {
      if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
      writeFileSync(to, text, { flag: "wx" });
    }
  } finally {
    rmSync(pending, { force: true });
  }
}

/** dropMade: removes the parent folders lockOut made, while they are empty (never a folder holding anything). */
function dropMade(made: Made[]): void {
  for (const { top, leaf } of made.splice(0).reverse()) {
    try {
      for (let d = leaf; ; d = path.dirname(d)) {
        rmdirSync(d);
        if (d === top) break;
      }
    } catch {
      // Not empty (out/ is there, or another run's lock): kept.
    }
  }
}

/** releaseLock: removes `lock` if it is still the one this process wrote, then the parent folders made for it. */
function releaseLock(lock: string): void {
  const mine = held.locks.get(lock);
  if (!mine) return;
  held.locks.delete(lock);
  try {
    if (readFileSync(lock, "utf8") === mine.text) rmSync(lock, { force: true });
  } catch {
    // Gone already.
  }
  dropMade(mine.made);
}

/** breakStale: removes the stale lock `lock` whose text was `seen`. It is renamed away first (atomic); should it have
 *  been replaced by a live run's lock meanwhile, that one is put back. */
function breakStale(lock: string, seen: string, pending: string): void {
  const grabbed = pending.replace(/-lock-(\d+)$/, "-stale-$1");
  try {
    renameSync(lock, grabbed);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // another run removed it
    throw e;
  }
  try {
    const got = readFileSync(grabbed, "utf8");
    if (got !== seen) placeNew(lock, got, pending);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(grabbed, { force: true });
  }
}

/** recoverStale: removes scratch folders of interrupted runs (any but this process's: the caller holds the lock, so no
 *  other run is writing); restores out/ if a run died mid-swap, beside `dir` or, for a mount point, inside it. */
export function recoverStale(dir: string): void {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.kubebundle-`;
  const ours = (name: string) => name.endsWith(`-${process.pid}`);
  if (existsSync(parent)) {
    for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix)).sort()) {
      if (name.endsWith(".lock") || ours(name)) continue;
      const p = path.join(parent, name);
      if (name.startsWith(`${prefix}old-`) && !lexists(dir)) renameSync(p, dir);
      else rmSync(p, { recursive: true, force: true });
    }
  }
  if (!isRealDir(dir)) return;
  for (const name of readdirSync(dir).filter(isScratch).sort()) {
    if (ours(name)) continue;
    const p = path.join(dir, name);
    if (name.startsWith(".kubebundle-old-")) rollBack(dir, p);
    rmSync(p, { recursive: true, force: true });
  }
}

/** isRealDir: true when `p` is a folder (not a symlink to one). */
function isRealDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** lockPath: the lock file beside `dir`. */
export function lockPath(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), `.${path.basename(path.resolve(dir))}.kubebundle.lock`);
}

/** lockOut: creates `dir`'s parent folder if needed, then takes the lock beside `dir` (one run per output folder at a
 *  time); returns its release, which also removes the parent folders it made while they are empty. Throws
 *  "busy: PID" when a live run holds it; a lock whose process is gone (or whose pid now names a process that started
 *  at another time) is taken over. */
export function lockOut(dir: string): () => void {
  const lock = lockPath(dir);
  const parent = path.dirname(lock);
  const pending = path.join(parent, `.${path.basename(path.resolve(dir))}.kubebundle-lock-${process.pid}`);
  const text = lockText();
  const made: Made[] = [];
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      const top = mkdirSync(parent, { recursive: true });
      if (top !== undefined) made.push({ top, leaf: parent });
      try {
        placeNew(lock, text, pending);
        held.locks.set(lock, { text, made });
        return () => releaseLock(lock);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue; // a run that failed removed the parent it had made: make it again
        if (code !== "EEXIST") throw e;
      }
      let seen: string;
      try {
        seen = readFileSync(lock, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") continue; // released meanwhile
        throw e;
      }
      const holder = lockHolder(seen);
      // A lock naming this very process that it did not take is a dead run's whose pid came round again.
      if (holder && (holder !== process.pid || held.locks.has(lock))) throw new Error(`busy: ${holder}`);
      breakStale(lock, seen, pending);
    }
    throw new Error(`busy: ${lockHolder(readFileSync(lock, "utf8"))}`);
  } catch (e) {
    dropMade(made);
    throw e;
  }
}

/** dropScratch: removes what this process holds for an output folder: its scratch folders (restoring out/ should a
 *  swap be cut short), its lock, the parent folders it made while empty; never out/ itself. Found where they were
 *  made, so a symlinked --out is cleaned beside its target; `_given` (the folder as given) is not needed for that. */
export function dropScratch(_given?: string): void {
  for (const p of [...held.scratch].reverse()) settleScratch(p);
  for (const lock of [...held.locks.keys()]) releaseLock(lock);
}

/** settleScratch: removes the scratch folder `p` of this process; an `old` one is first put back (beside: when out/ is
 *  missing; inside: rolled back per its journal). */
function settleScratch(p: string): void {
  held.scratch.delete(p);
  const name = path.basename(p);
  if (isScratch(name)) {
    if (name.startsWith(".kubebundle-old-") && lexists(p)) rollBack(path.dirname(p), p);
  } else if (/\.kubebundle-old-\d+$/.test(name)) {
    const dir = path.join(path.dirname(p), name.slice(1).replace(/\.kubebundle-old-\d+$/, ""));
    if (!lexists(dir) && lexists(p)) {
      renameSync(p, dir);
      return;
    }
  }
  rmSync(p, { recursive: true, force: true });
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

/** UNSWAPPABLE: errors of rename() on a folder that cannot be moved, such as a mount point. */
const UNSWAPPABLE = new Set(["EBUSY", "EXDEV"]);

/** writeTreeAtomic: lays `tree` (plus the user's own files kept from `dir`: everything neither in `tree` nor written by
 *  the last run, `before`) beside `dir`, then swaps it in. A `dir` that cannot be moved (a mount point: another file
 *  system than its parent, or rename() says EBUSY/EXDEV) gets its contents swapped instead (swapContents). */
export function writeTreeAtomic(tree: OutTree, dir: string, before: ReadonlySet<string> = new Set()): void {
  if (isRealDir(dir) && statSync(dir).dev !== statSync(path.dirname(dir)).dev) return swapContents(tree, dir, before);
  const tmp = tempSibling(dir, "tmp");
  const old = tempSibling(dir, "old");
  held.scratch.add(tmp).add(old);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    if (existsSync(dir)) {
      chmodSync(tmp, statSync(dir).mode & 0o7777);
      keepOwner(dir, tmp);
      for (const name of readdirSync(dir)) if (!MANAGED.has(name) && !isScratch(name)) copyForeign(dir, tmp, name);
    }
    layTree(tree, tmp);
    if (existsSync(dir)) for (const rel of listFiles(dir)) if (!tree.has(rel) && !before.has(rel)) copyForeign(dir, tmp, rel);
    if (existsSync(dir)) {
      try {
        renameSync(dir, old);
      } catch (e) {
        if (!UNSWAPPABLE.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
        rmSync(tmp, { recursive: true, force: true });
        return swapContents(tree, dir, before);
      }
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(old)) renameSync(old, dir);
    throw e;
  } finally {
    held.scratch.delete(tmp);
    held.scratch.delete(old);
  }
}

/** swapOrder: the managed names in the order a swap of contents moves them: manifest.json last, so that it never
 *  describes entries that are not there yet. */
function swapOrder(names: string[]): string[] {
  return names.sort((a, b) => Number(a === "manifest.json") - Number(b === "manifest.json") || byteOrder(a, b));
}

/** swapContents: the swap for a `dir` that cannot itself be moved (a mount point). The new tree (with the user's files
 *  kept inside kubebundle's folders) is laid in `dir/.kubebundle-tmp-PID`, on the same file system; then each of
 *  kubebundle's top-level entries is renamed into `dir/.kubebundle-old-PID` and its new one renamed into place, one
 *  entry at a time, after a journal of the moves has been written there. The user's own top-level entries stay where
 *  they are. Any failure rolls every move back, so `dir` keeps its old contents; a run killed mid-swap is rolled back by
 *  the next run (recoverStale). Each rename is atomic, the whole swap is not: a reader during it may see old and new
 *  top-level entries side by side, for as long as a few renames take. */
function swapContents(tree: OutTree, dir: string, before: ReadonlySet<string>): void {
  const tmp = tempInside(dir, "tmp");
  const old = tempInside(dir, "old");
  held.scratch.add(tmp).add(old);
  let rolledBack = true;
  try {
    if (lexists(old)) rollBack(dir, old);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
    mkdirSync(tmp, { mode: 0o700 });
    layTree(tree, tmp);
    for (const rel of listFiles(dir)) if (!tree.has(rel) && !before.has(rel)) copyForeign(dir, tmp, rel);
    const names = swapOrder([...MANAGED].filter((n) => lexists(path.join(dir, n)) || lexists(path.join(tmp, n))));
    const absent = names.filter((n) => !lexists(path.join(dir, n)));
    mkdirSync(old, { mode: 0o700 });
    writeFileSync(path.join(old, JOURNAL), `${JSON.stringify({ names, absent })}\n`);
    for (const n of names) {
      if (lexists(path.join(dir, n))) renameSync(path.join(dir, n), path.join(old, n));
      if (lexists(path.join(tmp, n))) renameSync(path.join(tmp, n), path.join(dir, n));
    }
    rmSync(path.join(old, JOURNAL)); // every move done: nothing to roll back from here on
  } catch (e) {
    try {
      rollBack(dir, old);
    } catch {
      rolledBack = false; // the journal and the old entries stay for the next run's recoverStale
    }
    throw e;
  } finally {
    if (rolledBack) {
      rmSync(old, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
    held.scratch.delete(tmp);
    held.scratch.delete(old);
  }
}

/** rollBack: undoes the moves of a swap of contents into `dir` that `old` holds the journal of (nothing without one:
 *  the swap had not started, or it was complete): each entry moved aside goes back, each new entry that had no old one
 *  is removed. */
function rollBack(dir: string, old: string): void {
  let journal: { names?: unknown; absent?: unknown };
  try {
    journal = JSON.parse(readFileSync(path.join(old, JOURNAL), "utf8")) as typeof journal;
  } catch {
    return;
  }
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((n): n is string => typeof n === "string" && MANAGED.has(n)) : []);
  const absent = new Set(list(journal.absent));
  for (const n of list(journal.names).reverse()) {
    const here = path.join(dir, n);
    const aside = path.join(old, n);
    if (lexists(aside)) {
      rmSync(here, { recursive: true, force: true });
      renameSync(aside, here);
    } else if (absent.has(n)) rmSync(here, { recursive: true, force: true });
  }
  rmSync(path.join(old, JOURNAL), { force: true });
}
