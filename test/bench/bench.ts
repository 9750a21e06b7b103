// `npm run bench`: kubebundle generate against bare node start-up and the guide's own
// procedure (shared/bench/guide-pipeline.sh: cfssl + kubectl + sed + tar), measured in one run.
// Prints median wall time and peak RSS per case, then the target ratios. The cases run in rounds
// (every case once per round), RUNS rounds (BENCH_RUNS, default 7).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BIN = path.join(ROOT, "dist/bin/kubebundle.js");
const GUIDE = path.resolve(ROOT, "../shared/bench/guide-pipeline.sh");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

interface Sample {
  wall: number;
  rssMb: number | null;
}

/** ENV: no process of the bench may reach the network (kubectl's dispatcher would try a kubeconfig's server). */
const ENV = { ...process.env, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", NO_PROXY: "" };

function once(cmd: string, args: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const opts = { encoding: "utf8" as const, env: ENV };
  const r = TIME ? spawnSync(TIME, ["-f", "%M", cmd, ...args], opts) : spawnSync(cmd, args, opts);
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  const kb = TIME ? Number(r.stderr.trim().split("\n").pop()) : NaN;
  return { wall, rssMb: Number.isFinite(kb) ? kb / 1024 : null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  name: string;
  ms: number;
  rssMb: number | null;
}

/** Case: one row of the table; `args` gives each run its arguments (a fresh --out for from-scratch runs). */
interface Case {
  name: string;
  cmd: string;
  args: () => string[];
}

/** measureAll: RUNS rounds, each running every case once in turn, so that a slow spell of the machine weighs on
 *  every case alike instead of on whichever case it fell on; a row is the median over the rounds. */
function measureAll(cases: Case[]): Row[] {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < RUNS; i++) for (const c of cases) samples.get(c.name)!.push(once(c.cmd, c.args()));
  return cases.map((c) => {
    const ss = samples.get(c.name)!;
    const rss = ss.map((s) => s.rssMb).filter((x): x is number => x !== null);
    return { name: c.name, ms: median(ss.map((s) => s.wall)), rssMb: rss.length ? Math.max(...rss) : null };
  });
}

function spec(dir: string, nodes: number, algo: "rsa" | "ecdsa"): string {
  const file = path.join(dir, `cluster-${nodes}-${algo}.json`);
  const list = Array.from({ length: nodes }, (_, i) => ({ name: `cp-${String(i + 1).padStart(2, "0")}`, ip: `10.0.${Math.floor(i / 200)}.${(i % 200) + 10}` }));
  writeFileSync(file, JSON.stringify({ serviceCIDR: "10.254.0.0/16", pki: { key: { algo, size: algo === "rsa" ? 2048 : 256 } }, nodes: list }));
  return file;
}

const work = mkdtempSync(path.join(tmpdir(), "kubebundle-bench-"));
const rows: Row[] = [];
try {
  let n = 0;
  const fresh = () => path.join(work, `o${n++}`);
  const cases: Case[] = [{ name: "bare node -e 0", cmd: process.execPath, args: () => ["-e", "0"] }];
  const hasCfssl = spawnSync("sh", ["-c", "command -v cfssl && command -v cfssljson && command -v kubectl"], { stdio: "ignore" }).status === 0;
  if (hasCfssl && existsSync(GUIDE)) cases.push({ name: "guide pipeline (cfssl, 3 nodes)", cmd: "bash", args: () => [GUIDE, fresh()] });
  else console.log("guide pipeline: skipped (needs cfssl and cfssljson: apt-get install golang-cfssl; and kubectl)");
  const example = path.join(ROOT, "cluster.example.json");
  const specs: [string, string][] = [
    ["example, 3 nodes, rsa-2048", example],
    ["3 nodes, ecdsa-256", spec(work, 3, "ecdsa")],
    ["7 nodes, rsa-2048", spec(work, 7, "rsa")],
    ["7 nodes, ecdsa-256", spec(work, 7, "ecdsa")],
    ["25 nodes, rsa-2048", spec(work, 25, "rsa")],
    ["25 nodes, ecdsa-256", spec(work, 25, "ecdsa")],
  ];
  const kept: [string, string][] = [];
  for (const [label, file] of specs) {
    cases.push({ name: `generate from scratch: ${label}`, cmd: process.execPath, args: () => [BIN, "generate", file, "--out", fresh(), "--quiet"] });
    const keep = fresh();
    once(process.execPath, [BIN, "generate", file, "--out", keep, "--quiet"]);
    kept.push([keep, readFileSync(path.join(keep, "manifest.json"), "utf8")]);
    cases.push({ name: `generate no-change re-run: ${label}`, cmd: process.execPath, args: () => [BIN, "generate", file, "--out", keep, "--quiet"] });
  }
  rows.push(...measureAll(cases));
  for (const [keep, before] of kept) if (readFileSync(path.join(keep, "manifest.json"), "utf8") !== before) throw new Error("a no-change re-run changed out/");
} finally {
  rmSync(work, { recursive: true, force: true });
}

const get = (name: string) => rows.find((r) => r.name === name)?.ms;
console.log(`\nkubebundle bench: median of ${RUNS} rounds, node ${process.version}, ${rows.length} cases\n`);
console.log("| case | median wall (ms) | peak RSS (MB) |\n|---|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(0)} | ${r.rssMb === null ? "n/a" : r.rssMb.toFixed(0)} |`);

const bare = get("bare node -e 0")!;
const guide = get("guide pipeline (cfssl, 3 nodes)");
const scratch3 = get("generate from scratch: example, 3 nodes, rsa-2048")!;
const noChange = get("generate no-change re-run: example, 3 nodes, rsa-2048")!;
const ecdsa = get("generate from scratch: 3 nodes, ecdsa-256")!;
const n25 = get("generate from scratch: 25 nodes, rsa-2048")!;
const peak = Math.max(...rows.filter((r) => r.name.startsWith("generate")).map((r) => r.rssMb ?? 0));
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const targets: [string, string, boolean | null][] = [
  ["from scratch, 3 nodes rsa / guide <= 1.0", guide ? ratio(scratch3, guide) : "n/a", guide ? scratch3 / guide <= 1 : null],
  ["no-change re-run / bare node <= 3", ratio(noChange, bare), noChange / bare <= 3],
  ["guide / no-change re-run >= 4", guide ? ratio(guide, noChange) : "n/a", guide ? guide / noChange >= 4 : null],
  ["from scratch ecdsa / bare node <= 3", ratio(ecdsa, bare), ecdsa / bare <= 3],
  ["25 nodes / 3 nodes (rsa, scratch) < 2", ratio(n25, scratch3), n25 / scratch3 < 2],
  ["peak RSS of any generate < 150 MB", peak ? peak.toFixed(0) : "n/a", peak ? peak < 150 : null],
];
console.log("\n| target | measured | met |\n|---|---:|---|");
for (const [t, v, ok] of targets) console.log(`| ${t} | ${v} | ${ok === null ? "n/a" : ok ? "yes" : "NO"} |`);

