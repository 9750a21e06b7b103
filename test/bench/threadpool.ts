// Would sizing libuv's thread pool help the keys of a run? `node --import tsx test/bench/threadpool.ts`
// starts K RSA-2048 keys together with crypto.generateKeyPair (as a run starts its keys), each
// measurement in a fresh node process with UV_THREADPOOL_SIZE set to the machine's cores, 4 (libuv's
// default) and 8, in rounds (BENCH_RUNS, default 15), and prints the median time from the first call
// to the last key for K = 1, 3, 5, 7.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CORES = availableParallelism();
const SIZES = [...new Set([CORES, 4, 8])].sort((a, b) => a - b);
const KEYS = [1, 3, 5, 7];

/** KEYGEN: node -e code making argv[1] keys at once; prints the milliseconds until the last one. */
const KEYGEN = `
const { generateKeyPair } = require("node:crypto");
const one = () => new Promise((res, rej) => generateKeyPair("rsa", { modulusLength: 2048 }, (e) => (e ? rej(e) : res())));
const t = performance.now();
Promise.all(Array.from({ length: Number(process.argv[1]) }, one)).then(() => process.stdout.write(String(performance.now() - t)));`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const samples = new Map<string, number[]>();
for (let round = 0; round < RUNS; round++)
  for (const k of KEYS)
    for (const size of SIZES) {
      const r = spawnSync(process.execPath, ["-e", KEYGEN, String(k)], { encoding: "utf8", env: { ...process.env, UV_THREADPOOL_SIZE: String(size) } });
      if (r.status !== 0) throw new Error(r.stderr);
      const key = `${k}/${size}`;
      samples.set(key, [...(samples.get(key) ?? []), Number(r.stdout)]);
    }

console.log(`RSA-2048 keys started together: median ms to the last key, ${RUNS} rounds, node ${process.version}, ${CORES} cores\n`);
console.log(`| keys | ${SIZES.map((s) => `pool ${s}`).join(" | ")} |\n|---:|${SIZES.map(() => "---:").join("|")}|`);
for (const k of KEYS) console.log(`| ${k} | ${SIZES.map((s) => median(samples.get(`${k}/${s}`)!).toFixed(0)).join(" | ")} |`);
