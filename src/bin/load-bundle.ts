// Loads a CommonJS bundle of dist/ (the application, dist/bin/app-*.cjs, and the vendor bundles,
// dist/vendor/*.cjs) with V8's code cache. Only the built CLI uses this: the entry
// (dist/bin/kubebundle.js) loads the application with it, and the application's own copy loads
// the vendor bundles. The build (src/build/bundle.ts) writes each bundle's cache beside it from
// real runs: the sha256 of V8's data, then the data. A cache whose digest does not match is not
// handed to V8 (V8 checks only the data's header, and runs damaged data); one made by another
// V8 or with other V8 flags is refused by V8. Either way the bundle is compiled as usual. A
// bundle's name holds the hash of its code, so its cache cannot be another code's.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { channel } from "node:diagnostics_channel";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** BUNDLE_CHANNEL: diagnostics channel told of every bundle compiled (src/build/code-cache-hook.mjs listens). */
export const BUNDLE_CHANNEL = "kubebundle:bundle-compiled";

/** BundleCompiled: the message published on BUNDLE_CHANNEL. */
export interface BundleCompiled {
  file: string;
  cacheFile: string;
  /** true: a cache was there and was refused (digest or V8); false: it was used; undefined: there was none. */
  cacheRejected: boolean | undefined;
  /** The cache file's bytes for what this process has compiled so far (digest, then V8's data). */
  sealedCache(): Buffer;
}

const DIGEST_BYTES = 32;

const loaded = new Map<string, Record<string, unknown>>();
const compiled = channel(BUNDLE_CHANNEL);

/** cacheFileOf: where the code cache of the bundle `file` lives. */
export function cacheFileOf(file: string): string {
  return file.replace(/\.cjs$/, ".cache");
}

function sha256(data: Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}

/** readCache: V8's data from the cache file `file`; undefined when there is none, null when its digest does not match. */
function readCache(file: string): Buffer | undefined | null {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  const data = raw.subarray(DIGEST_BYTES);
  return raw.length > DIGEST_BYTES && sha256(data).equals(raw.subarray(0, DIGEST_BYTES)) ? data : null;
}

/** loadBundle: the exports of dist/`name` (a CommonJS bundle), evaluated once per process; this module sits in dist/bin. */
export function loadBundle(name: string): Record<string, unknown> {
  const done = loaded.get(name);
  if (done) return done;
  const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
  const cacheFile = cacheFileOf(file);
  const cachedData = readCache(cacheFile);
  // The build writes bundles in ASCII (non-ASCII escaped), which latin1 reads as utf8 would, with less work.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "latin1")}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (compiled.hasSubscribers) {
    const sealedCache = () => {
      const data = script.createCachedData();
      return Buffer.concat([sha256(data), data]);
    };
    compiled.publish({ file, cacheFile, cacheRejected: cachedData === null ? true : script.cachedDataRejected, sealedCache } satisfies BundleCompiled);
  }
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  loaded.set(name, module.exports);
  return module.exports;
}
