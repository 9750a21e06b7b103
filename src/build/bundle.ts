// Builds dist/bin with esbuild (options.ts): the CLI's entry and its chunks. A build that fails
// leaves no dist/. Run: node --import tsx src/build/bundle.ts (npm run build, after the type check).
import { build } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";
import { BUNDLE, ROOT } from "./options.js";

const DIST = path.join(ROOT, "dist");

rmSync(DIST, { recursive: true, force: true });
try {
  await build(BUNDLE);
} catch (e) {
  rmSync(DIST, { recursive: true, force: true });
  throw e;
}
