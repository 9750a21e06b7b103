import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../../src/errors.js";
import { pkiPath, readPkiDir } from "../../src/pki/state.js";
import { tmp } from "../helpers/tools.js";

const t = tmp();
const test = suite("readPkiDir");

test("should read every .pem of the folder by name, sorted, and nothing else", () => {
  const dir = path.join(t.dir, "pki");
  mkdirSync(dir);
  for (const [name, text] of [["ca.pem", "b"], ["admin-key.pem", "a"], ["notes.txt", "x"]]) writeFileSync(path.join(dir, name!), text!);
  const files = readPkiDir(dir);
  assert.equal([...files], [["admin-key.pem", "a"], ["ca.pem", "b"]]);
  assert.is(pkiPath(files, "ca.pem"), path.join(dir, "ca.pem"), "messages name the file on disk");
  assert.is(pkiPath(new Map(), "ca.pem"), "pki/ca.pem", "a map not read from disk is named as out/ holds it");
});

test("should return an empty map for a missing folder and refuse a file", () => {
  assert.is(readPkiDir(path.join(t.dir, "nope")).size, 0);
  const file = path.join(t.dir, "a-file");
  writeFileSync(file, "x");
  assert.throws(() => readPkiDir(file), (e: unknown) => e instanceof InputError && e.message.startsWith(file));
});

test.after(() => t.cleanup());
test.run();
