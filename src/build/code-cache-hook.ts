// Loaded with `node --import` into a run of the built CLI; listens to the bundle loader's channel.
// KUBEBUNDLE_CODE_CACHE_REPORT=FILE: at exit, appends one JSON line per bundle compiled
// ({ file, cacheRejected }). KUBEBUNDLE_CODE_CACHE_WRITE=1 (the build only): at a clean exit,
// writes each bundle's code cache, holding every function the run compiled, beside it.
import { subscribe } from "node:diagnostics_channel";
import { appendFileSync, writeFileSync } from "node:fs";
import { BUNDLE_CHANNEL, type BundleCompiled } from "../bin/load-bundle.js";

const seen: BundleCompiled[] = [];
subscribe(BUNDLE_CHANNEL, (m) => seen.push(m as BundleCompiled));

process.on("exit", (code) => {
  const report = process.env.KUBEBUNDLE_CODE_CACHE_REPORT;
  if (report) for (const m of seen) appendFileSync(report, JSON.stringify({ file: m.file, cacheRejected: m.cacheRejected }) + "\n");
  if (process.env.KUBEBUNDLE_CODE_CACHE_WRITE === "1" && code === 0) for (const m of seen) writeFileSync(m.cacheFile, m.script.createCachedData());
});
