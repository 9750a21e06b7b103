import { suite } from "uvu";
import * as assert from "uvu/assert";
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { diffTree, dropScratch, lockHolder, lockOut, lockText, procStart, recoverStale, tempInside, tempSibling, writeTreeAtomic, type OutTree } from "../../src/write/out-tree.js";
import { guardOutDir } from "../../src/write/out-guard.js";
import { InputError } from "../../src/errors.js";
import { tmp, withTmp } from "../helpers/tools.js";
import { snapshot } from "../helpers/snapshot.js";

const tree = (): OutTree =>
  new Map([
    [".gitignore", { mode: 0o644, content: Buffer.from("*-key.pem\n") }],
    ["manifest.json", { mode: 0o644, content: Buffer.from('{"generator":"kubebundle"}\n') }],
    ["pki/ca-key.pem", { mode: 0o600, content: Buffer.from("key") }],
    ["nodes/a/install.sh", { mode: 0o755, content: Buffer.from("#!/bin/sh\n") }],
  ]);

const test = suite("out-tree");

test("should write every file with its mode, pki/ as 0700, whatever the umask", () => {
  const t = tmp();
  const old = process.umask(0o077);
  try {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    assert.is(statSync(path.join(out, "pki")).mode & 0o777, 0o700);
    assert.is(statSync(path.join(out, "nodes")).mode & 0o777, 0o755);
    assert.is(statSync(path.join(out, "pki/ca-key.pem")).mode & 0o777, 0o600);
    assert.is(statSync(path.join(out, "nodes/a/install.sh")).mode & 0o777, 0o755);
    assert.is(statSync(path.join(out, ".gitignore")).mode & 0o777, 0o644);
    assert.equal(diffTree(tree(), out), { added: [], changed: [], removed: [] });
    assert.equal(readdirSync(t.dir), ["out"], "no scratch folder left beside out/");
  } finally {
    process.umask(old);
    t.cleanup();
  }
});

test("should see added, changed (bytes or mode) and removed files", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    const next = tree();
    next.delete("nodes/a/install.sh");
    next.set("nodes/b/install.sh", { mode: 0o755, content: Buffer.from("b") });
    next.set("pki/ca-key.pem", { mode: 0o644, content: Buffer.from("key") });
    const before = new Set(tree().keys());
    assert.equal(diffTree(next, out, before), { added: ["nodes/b/install.sh"], changed: ["pki/ca-key.pem"], removed: ["nodes/a/install.sh"] });
    assert.equal(diffTree(next, out).removed, [], "without the last run's list, a file not in the tree is the user's");
    writeTreeAtomic(next, out, before);
    assert.not.ok(existsSync(path.join(out, "nodes/a")), "a removed node's folder is gone");
  });
});

test("should keep files in out/ that kubebundle does not own", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    writeFileSync(path.join(out, "NOTES.md"), "mine");
    mkdirSync(path.join(out, "extra"));
    writeFileSync(path.join(out, "extra/x"), "x");
    writeTreeAtomic(tree(), out);
    assert.is(readFileSync(path.join(out, "NOTES.md"), "utf8"), "mine");
    assert.is(readFileSync(path.join(out, "extra/x"), "utf8"), "x");
    assert.equal(diffTree(tree(), out).removed, [], "foreign files are not counted as ours");
  });
});

test("should restore out/ when a run died between the two renames, and clear scratch folders", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    // Scratch folders of a run that died (a pid no process has), and of a live one (ours).
    renameSync(out, path.join(t.dir, ".out.kubebundle-old-999999999"));
    mkdirSync(path.join(t.dir, ".out.kubebundle-tmp-999999999"));
    mkdirSync(tempSibling(out, "tmp"));
    recoverStale(out);
    assert.ok(existsSync(tempSibling(out, "tmp")), "a live run's scratch folder is left alone");
    rmSync(tempSibling(out, "tmp"), { recursive: true });
    assert.ok(existsSync(path.join(out, "pki/ca-key.pem")));
    assert.equal(readdirSync(t.dir), ["out"]);
  });
});

test("should refuse a non-empty folder kubebundle did not write, unless forced", () => {
  withTmp((t) => {
    writeFileSync(path.join(t.dir, "x"), "x");
    assert.throws(() => guardOutDir(t.dir, false), (e: unknown) => e instanceof InputError && /not empty/.test((e as Error).message));
    guardOutDir(t.dir, true);
    guardOutDir(path.join(t.dir, "new"), false);
    assert.throws(() => guardOutDir(path.join(t.dir, "x"), false), (e: unknown) => e instanceof InputError && /not a folder/.test((e as Error).message));
    assert.throws(() => guardOutDir("/", true), (e: unknown) => e instanceof InputError);
  });
});

test.run();

const more = suite("out-tree: failures, owners, lock");

more("should leave out/ as it was and no scratch folder when writing the new tree fails", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    const before = readFileSync(path.join(out, "pki/ca-key.pem"));
    const broken = tree();
    broken.set("nodes/a/install.sh/x", { mode: 0o644, content: Buffer.from("a file under a file") });
    assert.throws(() => writeTreeAtomic(broken, out));
    assert.ok(readFileSync(path.join(out, "pki/ca-key.pem")).equals(before));
    assert.equal(diffTree(tree(), out), { added: [], changed: [], removed: [] });
    assert.equal(readdirSync(t.dir), ["out"]);
  });
});

more("should keep the owner of out/ and of the user's files in it", () => {
  if (process.getuid?.() !== 0) {
    console.log("\n  !!! skipped: owner test needs root (it chowns to another user)\n");
    return;
  }
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    writeFileSync(path.join(out, "mine.txt"), "x");
    chownSync(path.join(out, "mine.txt"), 65534, 65534);
    chownSync(out, 65534, 65534);
    const next = tree();
    next.set("nodes/b/install.sh", { mode: 0o755, content: Buffer.from("b") });
    writeTreeAtomic(next, out);
    assert.is(statSync(path.join(out, "mine.txt")).uid, 65534);
    assert.is(statSync(out).uid, 65534);
  });
});

more("should let one run at a time hold the lock, and take over a dead run's lock", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    const release = lockOut(out);
    assert.throws(() => lockOut(out), /busy/, "a second lock while held");
    release();
    lockOut(out)();
    writeFileSync(path.join(t.dir, ".out.kubebundle.lock"), "999999999");
    const again = lockOut(out);
    again();
    assert.equal(readdirSync(t.dir), []);
  });
});

more.run();

const lock = suite("out-tree: lock and scratch folders");

lock("should record the pid, its start time and the boot, and tell a live holder from a reused or gone pid", () => {
  const [pid, start, boot] = lockText().trim().split(" ");
  assert.is(Number(pid), process.pid);
  if (procStart(process.pid) === undefined) {
    console.log("\n  !!! skipped: /proc not available (process start times)\n");
    return;
  }
  assert.match(start!, /^\d+$/);
  assert.match(boot!, /^[0-9a-f-]{36}$/);
  assert.is(lockHolder(lockText()), process.pid, "this process, started then");
  assert.is(lockHolder(lockText(process.ppid)), process.ppid);
  assert.is(lockHolder(`${process.ppid} 1 ${boot}\n`), 0, "alive, but started at another time: the pid was reused");
  assert.is(lockHolder(`${process.ppid} ${procStart(process.ppid)} 00000000-0000-0000-0000-000000000000`), 0, "a pid of another boot");
  assert.is(lockHolder(`${process.ppid} - -`), process.ppid, "no start time recorded: alive is enough");
  assert.is(lockHolder(String(process.ppid)), process.ppid, "a bare pid (an older lock)");
  assert.is(lockHolder("999999999 1 x"), 0, "no such process");
  assert.is(lockHolder(""), 0);
  assert.is(lockHolder("garbage"), 0);
});

lock("should create a missing parent folder for the lock, and remove it on release while it is empty", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "a", "b", "out");
    const release = lockOut(out);
    assert.ok(existsSync(path.join(t.dir, "a/b/.out.kubebundle.lock")));
    assert.throws(() => lockOut(out), /^busy: \d+$/, "a second lock while held");
    release();
    assert.equal(readdirSync(t.dir), [], "the folders it made are gone again");
    const again = lockOut(out);
    mkdirSync(out);
    again();
    assert.equal(readdirSync(path.join(t.dir, "a/b")), ["out"], "kept once out/ is in it");
  });
});

lock("should take over a lock whose holder started at another time, leaving no file of the take-over", () => {
  if (procStart(process.ppid) === undefined) return;
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeFileSync(path.join(t.dir, ".out.kubebundle.lock"), `${process.ppid} 1 -\n`);
    const release = lockOut(out);
    assert.is(readFileSync(path.join(t.dir, ".out.kubebundle.lock"), "utf8"), lockText());
    assert.equal(readdirSync(t.dir), [".out.kubebundle.lock"]);
    release();
    assert.equal(readdirSync(t.dir), []);
  });
});

lock("should drop its lock where it was taken whatever path it is given (a symlinked --out)", () => {
  withTmp((t) => {
    const real = path.join(t.dir, "real", "out");
    mkdirSync(real, { recursive: true });
    symlinkSync(real, path.join(t.dir, "link"));
    lockOut(real);
    dropScratch(path.join(t.dir, "link"));
    assert.equal(readdirSync(path.join(t.dir, "real")), ["out"], "no lock left beside the target");
  });
});

lock("should roll back a swap of contents that a killed run left half done, per its journal", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    writeFileSync(path.join(out, "NOTES.md"), "mine");
    const before = snapshot(out);
    // A run (pid 999999999) swapping the contents of out/ was killed after three moves: the old .gitignore aside and
    // a new one in, a new admin/ (out/ had none), the old nodes/ aside (its new one not yet in).
    const old = path.join(out, ".kubebundle-old-999999999");
    const tmpIn = path.join(out, ".kubebundle-tmp-999999999");
    mkdirSync(old);
    mkdirSync(path.join(tmpIn, "pki"), { recursive: true });
    writeFileSync(path.join(old, ".kubebundle-swap.json"), JSON.stringify({ names: ["../x", ".gitignore", "admin", "nodes", "pki", "manifest.json"], absent: ["admin"] }));
    renameSync(path.join(out, ".gitignore"), path.join(old, ".gitignore"));
    writeFileSync(path.join(out, ".gitignore"), "new");
    mkdirSync(path.join(out, "admin"));
    writeFileSync(path.join(out, "admin/admin.pem"), "new");
    renameSync(path.join(out, "nodes"), path.join(old, "nodes"));
    writeFileSync(path.join(t.dir, "x"), "not in out/: a journal names only kubebundle's entries");
    recoverStale(out);
    assert.equal(snapshot(out), before);
    assert.ok(existsSync(path.join(t.dir, "x")));
    // A swap that had completed (no journal left) is kept; its leftovers are removed.
    mkdirSync(path.join(out, ".kubebundle-old-999999999/nodes"), { recursive: true });
    recoverStale(out);
    assert.equal(snapshot(out), before);
  });
});

lock("should not take scratch folders inside out/ for the user's files, nor refuse out/ for them", () => {
  withTmp((t) => {
    const out = path.join(t.dir, "out");
    mkdirSync(path.join(out, ".kubebundle-tmp-999999999"), { recursive: true });
    guardOutDir(out, false);
    writeTreeAtomic(tree(), out);
    writeFileSync(path.join(out, "NOTES.md"), "mine");
    mkdirSync(tempInside(out, "tmp"));
    writeTreeAtomic(tree(), out);
    assert.equal(readdirSync(out).filter((n) => n.startsWith(".kubebundle-")), [], "not copied into the new out/");
  });
});

lock.run();
