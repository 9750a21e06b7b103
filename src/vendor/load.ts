// Loads a vendor bundle (dist/vendor/*.cjs: pkijs+asn1js, archiver, yaml) with V8's code cache.
// Only the built CLI uses this: the build (src/build/bundle.ts) points those packages' imports here
// and writes each bundle's cache beside it from a real generate run. A cache that is missing,
// stale or made by another V8 is ignored by V8, and the bundle is compiled as usual.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { channel } from "node:diagnostics_channel";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** VENDOR_CHANNEL: diagnostics channel told of every vendor bundle compiled ({ file, cacheFile, script, cacheRejected }). */
export const VENDOR_CHANNEL = "kubebundle:vendor-compiled";

/** VendorCompiled: the message published on VENDOR_CHANNEL. */
export interface VendorCompiled {
  file: string;
  cacheFile: string;
  script: Script;
  /** true: a cache was there and V8 refused it; false: it was used; undefined: there was none. */
  cacheRejected: boolean | undefined;
}

const loaded = new Map<string, Record<string, unknown>>();
const compiled = channel(VENDOR_CHANNEL);

/** cacheFileOf: where the code cache of the vendor bundle `file` lives. */
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

/** loadVendor: the exports of dist/vendor/`name` (a CommonJS bundle), evaluated once per process. */
export function loadVendor(name: string): Record<string, unknown> {
  const done = loaded.get(name);
  if (done) return done;
  const file = fileURLToPath(new URL(`../vendor/${name}`, import.meta.url));
  const cacheFile = cacheFileOf(file);
  const cachedData = readCache(cacheFile);
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (compiled.hasSubscribers) compiled.publish({ file, cacheFile, script, cacheRejected: script.cachedDataRejected } satisfies VendorCompiled);
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  loaded.set(name, module.exports);
  return module.exports;
}
