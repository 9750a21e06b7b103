// Golden files: compare with test/golden/<name>; UPDATE_GOLDEN=1 rewrites them instead.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as assert from "uvu/assert";
import { ROOT } from "./tools.js";

/** golden: asserts `actual` equals the stored file (relative to ROOT); rewrites it under UPDATE_GOLDEN=1. */
export function golden(relPath: string, actual: string): void {
  const file = path.join(ROOT, relPath);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    if (process.env.CI && !existsSync(file)) assert.unreachable(`golden file ${relPath} is missing`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.fixture(actual, readFileSync(file, "utf8"), `differs from ${relPath} (UPDATE_GOLDEN=1 rewrites it)`);
}
