import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { diffTree, recoverStale, tempSibling, writeTreeAtomic, type OutTree } from "../../src/write/out-tree.js";
import { guardOutDir } from "../../src/write/out-guard.js";
import { InputError } from "../../src/errors.js";
import { tmp } from "../helpers/tools.js";

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
  const t = tmp();
  try {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    const next = tree();
    next.delete("nodes/a/install.sh");
    next.set("nodes/b/install.sh", { mode: 0o755, content: Buffer.from("b") });
    next.set("pki/ca-key.pem", { mode: 0o644, content: Buffer.from("key") });
    assert.equal(diffTree(next, out), { added: ["nodes/b/install.sh"], changed: ["pki/ca-key.pem"], removed: ["nodes/a/install.sh"] });
    writeTreeAtomic(next, out);
    assert.not.ok(existsSync(path.join(out, "nodes/a")), "a removed node's folder is gone");
  } finally {
    t.cleanup();
  }
});

test("should keep files in out/ that kubebundle does not own", () => {
  const t = tmp();
  try {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    writeFileSync(path.join(out, "NOTES.md"), "mine");
    mkdirSync(path.join(out, "extra"));
    writeFileSync(path.join(out, "extra/x"), "x");
    writeTreeAtomic(tree(), out);
    assert.is(readFileSync(path.join(out, "NOTES.md"), "utf8"), "mine");
    assert.is(readFileSync(path.join(out, "extra/x"), "utf8"), "x");
    assert.equal(diffTree(tree(), out).removed, [], "foreign files are not counted as ours");
  } finally {
    t.cleanup();
  }
});

test("should restore out/ when a run died between the two renames, and clear scratch folders", () => {
  const t = tmp();
  try {
    const out = path.join(t.dir, "out");
    writeTreeAtomic(tree(), out);
    const old = tempSibling(out, "old");
    renameSync(out, old);
    mkdirSync(tempSibling(out, "tmp"));
    recoverStale(out);
    assert.ok(existsSync(path.join(out, "pki/ca-key.pem")));
    assert.equal(readdirSync(t.dir), ["out"]);
  } finally {
    t.cleanup();
  }
});

test("should refuse a non-empty folder kubebundle did not write, unless forced", () => {
  const t = tmp();
  try {
    writeFileSync(path.join(t.dir, "x"), "x");
    assert.throws(() => guardOutDir(t.dir, false), (e: unknown) => e instanceof InputError && /not empty/.test((e as Error).message));
    guardOutDir(t.dir, true);
    guardOutDir(path.join(t.dir, "new"), false);
    assert.throws(() => guardOutDir(path.join(t.dir, "x"), false), (e: unknown) => e instanceof InputError && /not a folder/.test((e as Error).message));
    assert.throws(() => guardOutDir("/", true), (e: unknown) => e instanceof InputError);
  } finally {
    t.cleanup();
  }
});

test.run();
