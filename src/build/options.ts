// The esbuild options of the built CLI (dist/bin), read by the build (bundle.ts) and by the test
// that tells which modules each chunk holds.
import type { BuildOptions } from "esbuild";
import { fileURLToPath } from "node:url";

/** ROOT: the project folder; the paths esbuild writes into the bundle (its module comments) are relative to it. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** BUNDLE: src/bin/kubebundle.ts and everything it imports, packages included, as ES modules in dist/bin: the entry
 *  kubebundle.js and chunks beside it. Code splitting makes each import() of a stage (spec loading, pki, render and
 *  write, archiver...) a chunk of its own, loaded only by a run that reaches the stage. The chunks sit in dist/bin, two
 *  levels below package.json and templates/, which the code finds from import.meta.url (the chunk's own URL) as it
 *  finds them two levels below src/cli and src/render. Not minified: stack traces stay readable, and minifying
 *  measured no faster to load. */
export const BUNDLE = {
  absWorkingDir: ROOT,
  entryPoints: { kubebundle: "src/bin/kubebundle.ts" },
  outdir: "dist/bin",
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  mainFields: ["module", "main"],
  // The CommonJS packages bundled (archiver's streams, yaml) require() node's own modules; an ES module has no require.
  banner: { js: 'import { createRequire as __kubebundleCreateRequire } from "node:module";\nconst require = __kubebundleCreateRequire(import.meta.url);' },
  logLevel: "warning",
  logOverride: { "import-is-undefined": "error" },
} satisfies BuildOptions;
