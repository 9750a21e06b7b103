// Loaded with `node --import` into a run of the built CLI (plain JavaScript, so that the run
// needs no TypeScript loader); listens to the bundle loader's channel (BUNDLE_CHANNEL of
// src/bin/load-bundle.ts). KUBEBUNDLE_CODE_CACHE_REPORT=FILE: at exit, appends one JSON line per
// bundle compiled ({ file, cacheRejected }). KUBEBUNDLE_CODE_CACHE_WRITE=1 (the build only): at a
// clean exit, writes each bundle's cache, holding every function the run compiled, beside it.
import { subscribe } from "node:diagnostics_channel";
import { appendFileSync, renameSync, writeFileSync } from "node:fs";

const seen = [];
subscribe("kubebundle:bundle-compiled", (m) => seen.push(m));

process.on("exit", (code) => {
  const report = process.env.KUBEBUNDLE_CODE_CACHE_REPORT;
  if (report) for (const m of seen) appendFileSync(report, JSON.stringify({ file: m.file, cacheRejected: m.cacheRejected }) + "\n");
  if (process.env.KUBEBUNDLE_CODE_CACHE_WRITE !== "1" || code !== 0) return;
  for (const m of seen) {
    const tmp = `${m.cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, m.sealedCache());
    renameSync(tmp, m.cacheFile);
  }
});
