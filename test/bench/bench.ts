// `npm run bench`: kubebundle generate against bare node start-up, the guide's own procedure replayed with
// its own tools (shared/bench/: guide-pipeline.sh, its kube-controller-manager chapter, and
// guide-control-plane.sh, its chapters 02 to 05-4, the whole control plane; cfssl + kubectl + sed + tar)
// and the key-generation floor, all measured in one run. Prints median wall time, peak RSS and keys made per
// case, then the target ratios of each scope (kube-controller-manager only, whole control plane). The
// cases run in rounds (every case once per round), RUNS rounds (BENCH_RUNS, default 7), so that a slow
// spell of the machine weighs on every case alike.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BIN = path.join(ROOT, "dist/bin/kubebundle.js");
const GUIDES = path.resolve(ROOT, "../shared/bench");
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
const KEYGEN_CASE = "one generateKeyPair rsa-2048 (time inside its process)";
const fromScratch = (label: string) => `generate from scratch: ${label}`;
const noChangeRun = (label: string) => `generate no-change re-run: ${label}`;

/**
 * Scope: a guide replay (shared/bench/) and the two generate cases of the same scope, 3 nodes each, that
 * the targets compare with it and with the key-generation floor.
 */
interface Scope {
  label: string;
  guide: { name: string; short: string; script: string };
  rsa: [string, (dir: string) => string];
  ecdsa: [string, (dir: string) => string];
}
const SCOPES: Scope[] = [
  {
    // guide-pipeline.sh replays the guide's kube-controller-manager chapter.
    label: "kube-controller-manager only",
    guide: { name: "guide pipeline (cfssl, 3 nodes)", short: "guide", script: "guide-pipeline.sh" },
    rsa: ["example, kube-controller-manager only (the guide chapter's scope), 3 nodes, rsa-2048", (d) => exampleWith(d, ["kube-controller-manager"])],
    ecdsa: ["kube-controller-manager only, 3 nodes, ecdsa-256", (d) => spec(d, 3, "ecdsa", ["kube-controller-manager"])],
  },
  {
    // guide-control-plane.sh replays chapters 02 to 05-4: the CA, admin, etcd, kube-apiserver, kube-controller-manager, kube-scheduler.
    label: "whole control plane",
    guide: { name: "guide control plane (cfssl, 3 nodes, chapters 02-05-4)", short: "guide control plane", script: "guide-control-plane.sh" },
    rsa: ["example, whole control plane (every component), 3 nodes, rsa-2048", () => path.join(ROOT, "cluster.example.json")],
    ecdsa: ["whole control plane (every component), 3 nodes, ecdsa-256", (d) => spec(d, 3, "ecdsa")],
  },
];
/** MORE: the other generate cases, every component each. */
const MORE: [string, (dir: string) => string][] = [
  ["7 nodes, rsa-2048", (d) => spec(d, 7, "rsa")],
  ["7 nodes, ecdsa-256", (d) => spec(d, 7, "ecdsa")],
  ["25 nodes, rsa-2048", (d) => spec(d, 25, "rsa")],
  ["25 nodes, ecdsa-256", (d) => spec(d, 25, "ecdsa")],
];

/**
 * keysIn: the private keys a run made, counted in its pki folder: every `-key.pem` and the service-account
 * key sa.key. encryption.key is not counted: it is 32 random bytes for kube-apiserver's aescbc provider, a
 * symmetric key read from the random source, with no key pair and no prime search behind it.
 */
function keysIn(pki: string): number {
  return readdirSync(pki).filter((f) => f.endsWith("-key.pem") || f === "sa.key").length;
}

const missing = ["cfssl", "cfssljson", "kubectl"].filter((t) => spawnSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" }).status !== 0);
const work = mkdtempSync(path.join(tmpdir(), "kubebundle-bench-"));
const rows: Row[] = [];
/** keysOf: the private keys each from-scratch case makes, counted in the out/pki of one run made before the rounds. */
const keysOf = new Map<string, number>();
try {
  let n = 0;
  const fresh = () => path.join(work, `o${n++}`);
  const cases: Case[] = [{ name: BARE, cmd: process.execPath, args: () => ["-e", "0"] }];
  for (const { guide } of SCOPES) {
    const script = path.join(GUIDES, guide.script);
    const absent = [...(existsSync(script) ? [] : [script]), ...missing];
    if (absent.length) {
      console.log(`${guide.name}: SKIPPED: ${absent.join(", ")} not installed (cfssl and cfssljson: apt-get install golang-cfssl)`);
      continue;
    }
    const dir = fresh();
    once("bash", [script, dir]);
    keysOf.set(guide.name, keysIn(path.join(dir, "pki")));
    cases.push({ name: guide.name, cmd: "bash", args: () => [script, fresh()] });
  }
  cases.push({ name: KEYGEN_CASE, cmd: process.execPath, args: () => KEYGEN });
  const kept: [string, string][] = [];
  for (const [label, specOf] of [...SCOPES.flatMap((s) => [s.rsa, s.ecdsa]), ...MORE]) {
    const file = specOf(work);
    cases.push({ name: fromScratch(label), cmd: process.execPath, args: () => [BIN, "generate", file, "--out", fresh(), "--quiet"] });
    const keep = fresh();
    once(process.execPath, [BIN, "generate", file, "--out", keep, "--quiet"]);
    keysOf.set(fromScratch(label), keysIn(path.join(keep, "pki")));
    kept.push([keep, readFileSync(path.join(keep, "manifest.json"), "utf8")]);
    cases.push({ name: noChangeRun(label), cmd: process.execPath, args: () => [BIN, "generate", file, "--out", keep, "--quiet"] });
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
const keygen = median(row(KEYGEN_CASE)!.samples.map((s) => Number(s.stdout)));

/** Target: one line of the targets table; `met` is null for a figure given for information or one that could not be measured. */
type Target = [name: string, measured: string, met: boolean | null];
/** target: a / b against `limit` ("<= 1.2", ">= 3"), or for information without one; n/a when a case was skipped. */
function target(name: string, a: number | undefined, b: number | undefined, limit?: string): Target {
  const title = `${name} ${limit ?? "(for information)"}`;
  if (a === undefined || b === undefined) return [title, "n/a", null];
  const r = a / b;
  const [op, bound] = limit ? limit.split(" ") : [];
  return [title, r.toFixed(2), limit ? (op === "<=" ? r <= Number(bound) : r >= Number(bound)) : null];
}

/** scopeTargets: the targets of one scope; its floor is bare node + (keys of its rsa-2048 case / cores) x one generateKeyPair. */
function scopeTargets({ label, guide, rsa: [rsaCase], ecdsa: [ecdsaCase] }: Scope): Target[] {
  const keys = keysOf.get(fromScratch(rsaCase))!;
  const floor = bare + (keys / CORES) * keygen;
  console.log(
    `key-generation floor, ${label}: bare node ${bare.toFixed(0)} ms + (${keys} RSA keys of the example / ${CORES} cores) x ${keygen.toFixed(0)} ms ` +
      `(one generateKeyPair, median inside its process) = ${floor.toFixed(0)} ms`,
  );
  const rsa = get(fromScratch(rsaCase));
  const noChange = get(noChangeRun(rsaCase));
  const g = get(guide.name);
  return [
    target(`from scratch rsa-2048, ${label} / key-generation floor`, rsa, floor, "<= 1.2"),
    target(`no-change re-run, ${label} / bare node`, noChange, bare, "<= 3.0"),
    target(`${guide.short} / no-change re-run (${label})`, g, noChange, ">= 3"),
    target(`from scratch ecdsa-256, ${label} / ${guide.short}`, get(fromScratch(ecdsaCase)), g, "<= 0.6"),
    target(`from scratch rsa-2048, ${label} / ${guide.short}`, rsa, g),
  ];
}

console.log("");
const peak = Math.max(...rows.filter((r) => r.name.startsWith("generate")).map((r) => r.rssMb ?? 0));
const targets: Target[] = [...SCOPES.flatMap(scopeTargets), [`peak RSS of any generate < 150 MB`, peak ? peak.toFixed(0) : "n/a", peak ? peak < 150 : null]];
console.log("\n| target | measured | met |\n|---|---:|---|");
for (const [t, v, ok] of targets) console.log(`| ${t} | ${v} | ${ok === null ? "-" : ok ? "yes" : "NO"} |`);
