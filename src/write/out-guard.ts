// Refuse to write into a folder kubebundle did not write (unless --force).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { lastManifest } from "./manifest.js";
import { isScratch } from "./out-tree.js";


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
