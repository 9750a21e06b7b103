// The output folder as data (relative path -> mode and bytes), compared with the disk and
// written atomically: built beside out/ and swapped in, so a failure leaves out/ as it was.
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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

function listFiles(dir: string, rel = "", out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const r = rel ? `${rel}/${name}` : name;
    if (!rel && !MANAGED.has(name)) continue;
    const st = lstatSync(path.join(dir, name));
    if (st.isDirectory()) listFiles(path.join(dir, name), r, out);
    else out.push(r);
  }
  return out;
}

/** diffTree: compares `tree` with the managed part of `dir` (bytes and modes). */
export function diffTree(tree: OutTree, dir: string): TreeDiff {
  const onDisk = existsSync(dir) ? new Set(listFiles(dir)) : new Set<string>();
  const diff: TreeDiff = { added: [], changed: [], removed: [] };
  for (const [rel, f] of tree) {
    if (!onDisk.has(rel)) diff.added.push(rel);
    else {
      const p = path.join(dir, rel);
      if ((statSync(p).mode & 0o777) !== f.mode || !readFileSync(p).equals(f.content)) diff.changed.push(rel);
    }
  }
  for (const rel of onDisk) if (!tree.has(rel)) diff.removed.push(rel);
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

/** recoverStale: removes scratch folders of interrupted runs; restores out/ if a run died mid-swap. */
export function recoverStale(dir: string): void {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `.${path.basename(dir)}.kubebundle-`;
  for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix)).sort()) {
    const p = path.join(parent, name);
    if (name.startsWith(`${prefix}old-`) && !existsSync(dir)) renameSync(p, dir);
    else rmSync(p, { recursive: true, force: true });
  }
}

/** writeTreeAtomic: lays `tree` (plus the user's own files kept from `dir`) beside `dir`, then swaps it in. */
export function writeTreeAtomic(tree: OutTree, dir: string): void {
  const tmp = tempSibling(dir, "tmp");
  const old = tempSibling(dir, "old");
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    if (existsSync(dir)) {
      chmodSync(tmp, statSync(dir).mode & 0o7777);
      for (const name of readdirSync(dir)) {
        if (!MANAGED.has(name)) cpSync(path.join(dir, name), path.join(tmp, name), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      }
    }
    layTree(tree, tmp);
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
