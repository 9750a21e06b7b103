// `npm run bench`: kubebundle generate against bare node start-up, the guide's own procedure
// (shared/bench/guide-pipeline.sh: cfssl + kubectl + sed + tar) and the key-generation floor, all
// measured in one run. Prints median wall time and peak RSS per case, then the target ratios. The
// cases run in rounds (every case once per round), RUNS rounds (BENCH_RUNS, default 7), so that a
// slow spell of the machine weighs on every case alike.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BIN = path.join(ROOT, "dist/bin/kubebundle.js");
const GUIDE = path.resolve(ROOT, "../shared/bench/guide-pipeline.sh");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const CORES = availableParallelism();

/** KEYGEN: a node process that makes one RSA-2048 key with crypto.generateKeyPair and prints how long that took (ms). */
const KEYGEN = [
  "-e",
  'const t = performance.now(); require("node:crypto").generateKeyPair("rsa", { modulusLength: 2048 }, (e) => { if (e) throw e; process.stdout.write(String(performance.now() - t)); });',
];

/** Sample: one run: wall time, peak RSS, and what it printed. */
interface Sample {
  wall: number;
  rssMb: number | null;
  stdout: string;
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
  return { wall, rssMb: Number.isFinite(kb) ? kb / 1024 : null, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Row: one line of the table: the median wall time over the rounds and the highest peak RSS. */
interface Row {
  name: string;
  ms: number;
  rssMb: number | null;
  samples: Sample[];
}

/** Case: one row of the table; `args` gives each run its arguments (a fresh --out for from-scratch runs). */
interface Case {
  name: string;
  cmd: string;
  args: () => string[];
}

/** measureAll: RUNS rounds, each running every case once in turn; a row is the median over the rounds. */
function measureAll(cases: Case[]): Row[] {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < RUNS; i++) for (const c of cases) samples.get(c.name)!.push(once(c.cmd, c.args()));
  return cases.map((c) => {
    const ss = samples.get(c.name)!;
    const rss = ss.map((s) => s.rssMb).filter((x): x is number => x !== null);
    return { name: c.name, ms: median(ss.map((s) => s.wall)), rssMb: rss.length ? Math.max(...rss) : null, samples: ss };
  });
}

function spec(dir: string, nodes: number, algo: "rsa" | "ecdsa", components?: string[]): string {
  const file = path.join(dir, `cluster-${nodes}-${algo}${components ? `-${components.join("-")}` : ""}.json`);
  const list = Array.from({ length: nodes }, (_, i) => ({ name: `cp-${String(i + 1).padStart(2, "0")}`, ip: `10.0.${Math.floor(i / 200)}.${(i % 200) + 10}` }));
  writeFileSync(file, JSON.stringify({ serviceCIDR: "10.254.0.0/16", pki: { key: { algo, size: algo === "rsa" ? 2048 : 256 } }, nodes: list, ...(components ? { components } : {}) }));
  return file;
}

/** exampleWith: cluster.example.json generating only `components`, written to `dir`. */
function exampleWith(dir: string, components: string[]): string {
  const file = path.join(dir, `example-${components.join("-")}.json`);
  const s = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));
  delete s.$schema;
  writeFileSync(file, JSON.stringify({ ...s, components }));
  return file;
}

const BARE = "bare node -e 0";
const GUIDE_CASE = "guide pipeline (cfssl, 3 nodes)";
const KEYGEN_CASE = "one generateKeyPair rsa-2048 (time inside its process)";
// guide-pipeline.sh replays the guide's kube-controller-manager chapter: the targets compare it with the same scope.
const EXAMPLE = "example, kube-controller-manager only (the guide chapter's scope), 3 nodes, rsa-2048";
const ECDSA3 = "kube-controller-manager only, 3 nodes, ecdsa-256";

const work = mkdtempSync(path.join(tmpdir(), "kubebundle-bench-"));
const rows: Row[] = [];
let exampleKeys = 0;
/** keysOf: the private keys each from-scratch case makes (guide: its -key.pem files). */
const keysOf = new Map<string, number>([[GUIDE_CASE, 2]]);
try {
  let n = 0;
  const fresh = () => path.join(work, `o${n++}`);
  const cases: Case[] = [{ name: BARE, cmd: process.execPath, args: () => ["-e", "0"] }];
  const hasGuideTools = spawnSync("sh", ["-c", "command -v cfssl && command -v cfssljson && command -v kubectl"], { stdio: "ignore" }).status === 0;
  if (hasGuideTools && existsSync(GUIDE)) cases.push({ name: GUIDE_CASE, cmd: "bash", args: () => [GUIDE, fresh()] });
  else console.log(`guide pipeline: skipped (needs ${GUIDE}, cfssl and cfssljson: apt-get install golang-cfssl; and kubectl)`);
  cases.push({ name: KEYGEN_CASE, cmd: process.execPath, args: () => KEYGEN });
  const specs: [string, string][] = [
    [EXAMPLE, exampleWith(work, ["kube-controller-manager"])],
    [ECDSA3, spec(work, 3, "ecdsa", ["kube-controller-manager"])],
    ["example, every component (etcd among them), 3 nodes, rsa-2048", path.join(ROOT, "cluster.example.json")],
    ["every component, 3 nodes, ecdsa-256", spec(work, 3, "ecdsa")],
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
    // The keys a from-scratch run makes: one per key file of out/pki.
    const made = readdirSync(path.join(keep, "pki")).filter((f) => f.endsWith("-key.pem")).length;
    keysOf.set(`generate from scratch: ${label}`, made);
    if (label === EXAMPLE) exampleKeys = made;
    kept.push([keep, readFileSync(path.join(keep, "manifest.json"), "utf8")]);
    cases.push({ name: `generate no-change re-run: ${label}`, cmd: process.execPath, args: () => [BIN, "generate", file, "--out", keep, "--quiet"] });
  }
  rows.push(...measureAll(cases));
  for (const [keep, before] of kept) if (readFileSync(path.join(keep, "manifest.json"), "utf8") !== before) throw new Error("a no-change re-run changed out/");
} finally {
  rmSync(work, { recursive: true, force: true });
}

const row = (name: string) => rows.find((r) => r.name === name);
const get = (name: string) => row(name)?.ms;
console.log(`\nkubebundle bench: median of ${RUNS} rounds, node ${process.version}, ${CORES} cores, ${rows.length} cases\n`);
console.log("| case | median wall (ms) | peak RSS (MB) | keys made |\n|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(0)} | ${r.rssMb === null ? "n/a" : r.rssMb.toFixed(0)} | ${keysOf.get(r.name) ?? "-"} |`);

const bare = get(BARE)!;
const guide = get(GUIDE_CASE);
const keygen = median(row(KEYGEN_CASE)!.samples.map((s) => Number(s.stdout)));
const floor = bare + (exampleKeys / CORES) * keygen;
const rsa = get(`generate from scratch: ${EXAMPLE}`)!;
const noChange = get(`generate no-change re-run: ${EXAMPLE}`)!;
const ecdsa = get(`generate from scratch: ${ECDSA3}`)!;
const peak = Math.max(...rows.filter((r) => r.name.startsWith("generate")).map((r) => r.rssMb ?? 0));
console.log(
  `\nkey-generation floor: bare node ${bare.toFixed(0)} ms + (${exampleKeys} RSA keys of the example / ${CORES} cores) x ${keygen.toFixed(0)} ms ` +
    `(one generateKeyPair, median inside its process) = ${floor.toFixed(0)} ms`,
);

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const targets: [string, string, boolean | null][] = [
  ["no-change re-run / bare node <= 3.0", ratio(noChange, bare), noChange / bare <= 3],
  ["guide / no-change re-run >= 3", guide ? ratio(guide, noChange) : "n/a", guide ? guide / noChange >= 3 : null],
  ["from scratch ecdsa-256, 3 nodes / guide <= 0.6", guide ? ratio(ecdsa, guide) : "n/a", guide ? ecdsa / guide <= 0.6 : null],
  ["from scratch rsa-2048, example / key-generation floor <= 1.2", ratio(rsa, floor), rsa / floor <= 1.2],
  ["from scratch rsa-2048, example / guide (for information)", guide ? ratio(rsa, guide) : "n/a", null],
  ["peak RSS of any generate < 150 MB", peak ? peak.toFixed(0) : "n/a", peak ? peak < 150 : null],
];
console.log("\n| target | measured | met |\n|---|---:|---|");
for (const [t, v, ok] of targets) console.log(`| ${t} | ${v} | ${ok === null ? "-" : ok ? "yes" : "NO"} |`);
