// Runs the built CLI (dist/bin/kubebundle.js) under plain node with the code-cache hook
// (code-cache-hook.mjs), for the build's cache training and for the tests of the built CLI.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HOOK = fileURLToPath(new URL("./code-cache-hook.mjs", import.meta.url));

/** BundleLoad: one line of the hook's report: a bundle compiled, and whether its cache was refused (undefined: none). */
export interface BundleLoad {
  file: string;
  cacheRejected?: boolean;
}

/** BuiltRun: how a run failed (null: exit 0), what it printed and the bundles it compiled. */
export interface BuiltRun {
  failure: string | null;
  stdout: string;
  stderr: string;
  loaded: BundleLoad[];
}

/** runBuilt: `root`/dist/bin/kubebundle.js with `args`; the hook's report goes to `scratch`/report.jsonl; with `write`, the
 *  hook writes each bundle's cache. The run gets no NODE_OPTIONS: V8 refuses a cache made under other V8 flags. */
export function runBuilt(root: string, args: string[], opts: { scratch: string; cwd: string; write?: boolean; env?: NodeJS.ProcessEnv }): BuiltRun {
  const report = path.join(opts.scratch, "report.jsonl");
  rmSync(report, { force: true });
  const { NODE_OPTIONS: _flags, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--import", HOOK, path.join(root, "dist/bin/kubebundle.js"), ...args], {
    cwd: opts.cwd,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...env, ...opts.env, KUBEBUNDLE_CODE_CACHE_WRITE: opts.write ? "1" : "", KUBEBUNDLE_CODE_CACHE_REPORT: report },
  });
  const loaded = existsSync(report) ? readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l) as BundleLoad) : [];
  const failure = r.error ? r.error.message : r.status === 0 ? null : `exit ${r.status ?? r.signal}`;
  return { failure, stdout: r.stdout, stderr: r.stderr, loaded };
}
