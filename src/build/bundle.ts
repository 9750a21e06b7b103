// Builds dist/ with esbuild: the vendor bundles of vendors.ts (dist/vendor/*.cjs), the application
// (dist/bin/app-*.cjs, its imports of those packages pointed at their bundles), the entry that
// loads it (dist/bin/kubebundle.js), and every bundle's V8 code cache, written by runs of the
// example (generate with ECDSA, with RSA, after a node's IP changed, with nothing changed; validate;
// inspect) so that what those runs compiled comes compiled from the cache.
// Run: node --import tsx src/build/bundle.ts (npm run build).
import { build, type BuildOptions, type Plugin } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { VENDORS } from "./vendors.js";
import { runBuilt, type BundleLoad } from "./run-built.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST = path.join(ROOT, "dist");
const LOADER = path.join(ROOT, "src/bin/load-bundle.ts");

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node20",
  mainFields: ["module", "main"],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
  logOverride: { "import-is-undefined": "error" },
  charset: "ascii",
};

/** cjs: a CommonJS bundle, strict like the ES modules it is made of, in which import.meta.url (package.json, templates/,
 *  dist/vendor are found from it) is the bundle's own URL. */
const cjs: BuildOptions = {
  ...common,
  format: "cjs",
  write: false,
  define: { "import.meta.url": "__kubebundle_url" },
  banner: { js: '"use strict";var __kubebundle_url = require("node:url").pathToFileURL(__filename).href;' },
};

/** Shim: what one package's import is replaced with in the CLI bundle. */
interface Shim {
  file: string;
  names: string[];
}

/** buildVendors: dist/vendor/<bundle>-<hash>.cjs for each row of VENDORS; returns each package's shim data. */
async function buildVendors(): Promise<Map<string, Shim>> {
  const shims = new Map<string, Shim>();
  for (const v of VENDORS) {
    const contents = v.packages.map((p) => {
      if (!/^[a-z][a-z0-9]*$/.test(p)) throw new Error(`vendors.ts: package name ${p} is not usable as an export name`);
      return `export * as ${p} from "${p}";`;
    });
    const r = await build({ ...cjs, stdin: { contents: contents.join("\n"), resolveDir: ROOT, sourcefile: `vendor-${v.bundle}.js` }, outfile: "vendor.cjs" });
    const file = writeHashed("vendor", v.bundle, r.outputFiles![0]!.contents);
    const exported = createRequire(import.meta.url)(path.join(DIST, file)) as Record<string, Record<string, unknown>>;
    for (const p of v.packages) shims.set(p, { file, names: Object.keys(exported[p]!) });
  }
  return shims;
}

/** shimSource: a module exporting what package `pkg` exports, taken from its vendor bundle at first use. The values are
 *  copied then: an export the package reassigns later (pkijs' `engine`) would not follow; kubebundle uses none. */
function shimSource(pkg: string, shim: Shim): string {
  // Names that are not identifiers (yargs' "module.exports") are left out; an import of one fails the build (import-is-undefined).
  const named = shim.names.filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
  return [
    `import { loadBundle } from ${JSON.stringify(LOADER)};`,
    `const m = loadBundle(${JSON.stringify(shim.file)})[${JSON.stringify(pkg)}];`,
    `export const { ${named.join(", ")} } = m;`,
    ...(shim.names.includes("default") ? ["export default m.default;"] : []),
  ].join("\n");
}

/** vendorShims: resolves each vendored package to its shim; a subpath of one (`yaml/util`) fails the build, as it would
 *  bundle a second copy of the package. */
function vendorShims(shims: Map<string, Shim>): Plugin {
  const filter = new RegExp(`^(${[...shims.keys()].join("|")})(/.*)?$`);
  return {
    name: "vendor-shims",
    setup(b) {
      b.onResolve({ filter }, (a) =>
        shims.has(a.path) ? { path: a.path, namespace: "vendor-shim" } : { errors: [{ text: `${a.path}: a subpath of a vendored package; export it from its bundle in src/build/vendors.ts` }] },
      );
      b.onLoad({ filter: /.*/, namespace: "vendor-shim" }, (a) => ({ contents: shimSource(a.path, shims.get(a.path)!), resolveDir: ROOT, loader: "js" }));
    },
  };
}

/** writeHashed: writes `code` as dist/<dir>/<name>-<hash>.cjs; returns its path under dist/. The loader reads it as latin1
 *  and runs it with vm.Script: it must be ASCII and hold no import(). */
function writeHashed(dir: string, name: string, code: Uint8Array): string {
  if (code.some((b) => b > 0x7f)) throw new Error(`${dir}/${name}: the bundle is not ASCII`);
  // vm.Script has no module loader: an import() left in a bundle would throw where it runs.
  if (/(^|[^\w$.])import\(/.test(Buffer.from(code).toString("latin1"))) throw new Error(`${dir}/${name}: the bundle holds a dynamic import()`);
  mkdirSync(path.join(DIST, dir), { recursive: true });
  const rel = `${dir}/${name}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}.cjs`;
  writeFileSync(path.join(DIST, rel), code);
  return rel;
}

/** buildCli: dist/bin/app-<hash>.cjs (the CLI as one CommonJS bundle) and dist/bin/kubebundle.js, which loads it. */
async function buildCli(shims: Map<string, Shim>): Promise<void> {
  const app = await build({
    ...cjs,
    entryPoints: [path.join(ROOT, "src/cli/main.ts")],
    outfile: "app.cjs",
    plugins: [vendorShims(shims)],
  });
  const rel = writeHashed("bin", "app", app.outputFiles![0]!.contents);
  await build({
    ...common,
    entryPoints: [path.join(ROOT, "src/bin/launch.ts")],
    format: "esm",
    outfile: path.join(DIST, "bin/kubebundle.js"),
    define: { KUBEBUNDLE_APP: JSON.stringify(rel) },
    banner: { js: "#!/usr/bin/env node" },
  });
}

/** runWithHook: the built CLI with `args` under the code-cache hook; the bundles it compiled. */
function runWithHook(args: string[], dir: string, write: boolean): BundleLoad[] {
  const r = runBuilt(ROOT, args, { scratch: dir, cwd: ROOT, write });
  if (r.failure) throw new Error(`code cache: kubebundle ${args.join(" ")} failed (${r.failure}): ${r.stderr}`);
  return r.loaded;
}

/** trainCodeCaches: writes every bundle's cache from runs of the example, each run starting from the caches the last one
 *  wrote; then checks that a second round loads every bundle with its cache accepted. */
function trainCodeCaches(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kubebundle-build-"));
  scratch = dir;
  try {
    const example = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8")) as { pki: { key: unknown }; nodes: { name: string; ip: string }[] };
    const spec = (name: string, edit: (s: typeof example) => void): string => {
      const s = structuredClone(example);
      edit(s);
      writeFileSync(path.join(dir, name), JSON.stringify(s));
      return path.join(dir, name);
    };
    const ecdsa = spec("ecdsa.json", (s) => (s.pki.key = { algo: "ecdsa", size: 256 }));
    const moved = spec("rsa-moved.json", (s) => (s.nodes[0]!.ip = "10.0.0.1"));
    const tarball = path.join(dir, "rsa/bundles", `${example.nodes[0]!.name}.tar.gz`);
    const out = (name: string) => ["--out", path.join(dir, name), "--quiet"];
    const training = [
      ["generate", ecdsa, ...out("ecdsa")],
      ["generate", path.join(ROOT, "cluster.example.json"), ...out("rsa")],
      ["generate", moved, ...out("rsa")],
      ["generate", moved, ...out("rsa")],
      ["validate", ecdsa],
      ["inspect", tarball],
    ];
    for (const args of training) runWithHook(args, dir, true);
    const check = [["generate", ecdsa, ...out("check")], ["validate", ecdsa], ["inspect", tarball]].flatMap((args) => runWithHook(args, dir, false));
    const bundles = readdirSync(path.join(DIST, "vendor")).map((f) => `vendor/${f}`).concat(readdirSync(path.join(DIST, "bin")).map((f) => `bin/${f}`)).filter((f) => f.endsWith(".cjs"));
    for (const b of bundles) {
      const seen = check.filter((c) => c.file === path.join(DIST, b));
      if (seen.length === 0) throw new Error(`code cache: ${b} was not loaded by the check runs`);
      if (seen.some((c) => c.cacheRejected !== false)) throw new Error(`code cache: V8 refused the cache of ${b}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    scratch = undefined;
  }
}

/** scratch: the training runs' temporary folder while it exists. */
let scratch: string | undefined;

/** abandon: removes what an unfinished build made (dist/, the scratch folder). */
function abandon(): void {
  rmSync(DIST, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    abandon();
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  });

rmSync(DIST, { recursive: true, force: true });
try {
  await buildCli(await buildVendors());
  trainCodeCaches();
} catch (e) {
  // No half-built dist/: a build that failed leaves none.
  abandon();
  throw e;
}
