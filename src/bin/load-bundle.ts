// Loads a CommonJS bundle of dist/ (the application, dist/bin/app-*.cjs, and the vendor bundles,
// dist/vendor/*.cjs) with V8's code cache. Only the built CLI uses this: the build
// (src/build/bundle.ts) writes each bundle's cache beside it from real runs. A cache that is
// missing, stale or made by another V8 is refused by V8, and the bundle is compiled as usual.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { channel } from "node:diagnostics_channel";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** BUNDLE_CHANNEL: diagnostics channel told of every bundle compiled ({ file, cacheFile, script, cacheRejected }). */
export const BUNDLE_CHANNEL = "kubebundle:bundle-compiled";

/** BundleCompiled: the message published on BUNDLE_CHANNEL. */
export interface BundleCompiled {
  file: string;
  cacheFile: string;
  script: Script;
  /** true: a cache was there and V8 refused it; false: it was used; undefined: there was none. */
  cacheRejected: boolean | undefined;
}

const loaded = new Map<string, Record<string, unknown>>();
const compiled = channel(BUNDLE_CHANNEL);

/** cacheFileOf: where the code cache of the bundle `file` lives. */
export function cacheFileOf(file: string): string {
  return file.replace(/\.cjs$/, ".cache");
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** loadBundle: the exports of dist/`name` (a CommonJS bundle), evaluated once per process; this module sits in dist/bin. */
export function loadBundle(name: string): Record<string, unknown> {
  const done = loaded.get(name);
  if (done) return done;
  const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
  const cacheFile = cacheFileOf(file);
  const cachedData = readCache(cacheFile);
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (compiled.hasSubscribers) compiled.publish({ file, cacheFile, script, cacheRejected: script.cachedDataRejected } satisfies BundleCompiled);
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  loaded.set(name, module.exports);
  return module.exports;
}
