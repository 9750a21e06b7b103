// Builds dist/: the CLI bundled with esbuild (one lazy chunk per stage), the vendor bundles of
// vendors.ts, and their V8 code caches, made by generate runs of the example (ECDSA, RSA, then a
// changed node IP) so that the functions those runs compiled come compiled from the cache.
// Run: node --import tsx src/build/bundle.ts (npm run build).
import { build, type BuildOptions, type Plugin } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { VENDORS } from "./vendors.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIST = path.join(ROOT, "dist");
const VENDOR_DIR = path.join(DIST, "vendor");
const LOADER = path.join(ROOT, "src/vendor/load.ts");
const HOOK = path.join(ROOT, "src/build/code-cache-hook.ts");

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node20",
  mainFields: ["module", "main"],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
};

/** Shim: what one package's import is replaced with in the CLI bundle. */
interface Shim {
  file: string;
  names: string[];
}

/** buildVendors: dist/vendor/<bundle>-<hash>.cjs for each row of VENDORS; returns each package's shim data. */
async function buildVendors(): Promise<Map<string, Shim>> {
  mkdirSync(VENDOR_DIR, { recursive: true });
  const shims = new Map<string, Shim>();
  for (const v of VENDORS) {
    const contents = v.packages.map((p) => {
      if (!/^[a-z][a-z0-9]*$/.test(p)) throw new Error(`vendors.ts: package name ${p} is not usable as an export name`);
      return `export * as ${p} from "${p}";`;
    });
    const r = await build({ ...common, stdin: { contents: contents.join("\n"), resolveDir: ROOT, sourcefile: `vendor-${v.bundle}.js` }, format: "cjs", write: false, outfile: "vendor.cjs" });
    const code = r.outputFiles![0]!.contents;
    const file = `${v.bundle}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}.cjs`;
    writeFileSync(path.join(VENDOR_DIR, file), code);
    const exported = createRequire(import.meta.url)(path.join(VENDOR_DIR, file)) as Record<string, Record<string, unknown>>;
    for (const p of v.packages) shims.set(p, { file, names: Object.keys(exported[p]!) });
  }
  return shims;
}

/** shimSource: a module exporting what package `pkg` exports, taken from its vendor bundle at first use. */
function shimSource(pkg: string, shim: Shim): string {
  const named = shim.names.filter((n) => n !== "default");
  const bad = named.filter((n) => !/^[A-Za-z_$][\w$]*$/.test(n));
  if (bad.length > 0) throw new Error(`${pkg}: exports ${bad.join(", ")} cannot be re-exported by name`);
  return [
    `import { loadVendor } from ${JSON.stringify(LOADER)};`,
    `const m = loadVendor(${JSON.stringify(shim.file)})[${JSON.stringify(pkg)}];`,
    `export const { ${named.join(", ")} } = m;`,
    ...(shim.names.includes("default") ? ["export default m.default;"] : []),
  ].join("\n");
}

function vendorShims(shims: Map<string, Shim>): Plugin {
  const filter = new RegExp(`^(${[...shims.keys()].join("|")})$`);
  return {
    name: "vendor-shims",
    setup(b) {
      b.onResolve({ filter }, (a) => ({ path: a.path, namespace: "vendor-shim" }));
      b.onLoad({ filter: /.*/, namespace: "vendor-shim" }, (a) => ({ contents: shimSource(a.path, shims.get(a.path)!), resolveDir: ROOT, loader: "js" }));
    },
  };
}

/** buildCli: dist/bin/kubebundle.js and its chunks. */
async function buildCli(shims: Map<string, Shim>): Promise<void> {
  await build({
    ...common,
    entryPoints: [path.join(ROOT, "src/bin/kubebundle.ts")],
    splitting: true,
    format: "esm",
    outdir: path.join(DIST, "bin"),
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [vendorShims(shims)],
  });
}

/** trainCodeCaches: runs generate three times with the code-cache hook; each run starts from the caches the last one wrote. */
function trainCodeCaches(): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kubebundle-build-"));
  try {
    const example = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8")) as { pki: { key: unknown }; nodes: { ip: string }[] };
    const spec = (name: string, edit: (s: typeof example) => void): string => {
      const s = structuredClone(example);
      edit(s);
      writeFileSync(path.join(dir, name), JSON.stringify(s));
      return path.join(dir, name);
    };
    const runs: [string, string][] = [
      [spec("ecdsa.json", (s) => (s.pki.key = { algo: "ecdsa", size: 256 })), "ecdsa"],
      [spec("rsa.json", () => {}), "rsa"],
      [spec("rsa-moved.json", (s) => (s.nodes[0]!.ip = "10.0.0.1")), "rsa"],
    ];
    const report = path.join(dir, "report.jsonl");
    for (const [file, out] of runs) {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--import", HOOK, path.join(DIST, "bin/kubebundle.js"), "generate", file, "--out", path.join(dir, out), "--quiet"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, KUBEBUNDLE_CODE_CACHE_WRITE: "1", KUBEBUNDLE_CODE_CACHE_REPORT: report },
      });
      if (r.status !== 0) throw new Error(`code-cache run on ${path.basename(file)} failed (${r.status}): ${r.stderr}`);
    }
    return readFileSync(report, "utf8").trim().split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

rmSync(DIST, { recursive: true, force: true });
const shims = await buildVendors();
await buildCli(shims);
const report = trainCodeCaches().map((l) => JSON.parse(l) as { file: string; cacheRejected?: boolean });
const last = new Map(report.map((r) => [path.basename(r.file), r]));
for (const v of new Set([...shims.values()].map((s) => s.file))) {
  if (!last.has(v)) throw new Error(`code cache: ${v} was not loaded by the example's generate runs`);
  if (last.get(v)!.cacheRejected !== false) throw new Error(`code cache: V8 refused the cache of ${v} on the second run`);
}
