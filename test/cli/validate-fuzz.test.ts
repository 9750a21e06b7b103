// 500 seeded random mutations of the example spec through the CLI in process:
// each one passes (exit 0) or fails with exit 2 and located messages; none throws.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { cli } from "../helpers/cli.js";
import { ROOT, tmp } from "../helpers/tools.js";

const test = suite("validate: seeded mutations");
const BASE = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY: unknown[] = [
  "$(reboot)", "`reboot`", "; rm -rf /", "../../etc/passwd", "a\nb", "a\u0000b", "'\"", "ünïcødé-名前", "🙂",
  "", " ", 1e308, -1, 0, 2 ** 53 + 1, 1.5, true, null, [], {}, [1, 2], { "$(x)": 1 }, "x".repeat(5000), "10.0.0.1", "::1",
  "/etc/../root", "-1h", "876000h", "1.37.0", "https://", "https://[::1]:443",
];

type Path = (string | number)[];
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function mutate(spec: any, r: () => number): any {
  const all = paths(spec).filter((p) => p.length > 0);
  const target = all[Math.floor(r() * all.length)]!;
  const parent = target.slice(0, -1).reduce((o: any, k) => o[k], spec);
  const key = target[target.length - 1]!;
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * 6)) {
    case 0: // drop
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1: // retype
      parent[key] = pick(NASTY);
      break;
    case 2: // duplicate
      if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
      else parent[`${String(key)}${pick(["", "_", "2", "$(id)"])}`] = structuredClone(parent[key]);
      break;
    case 3: // inject into a string
      parent[key] = typeof parent[key] === "string" ? `${parent[key]}${pick(NASTY.filter((x) => typeof x === "string") as string[])}` : pick(NASTY);
      break;
    case 4: // huge numbers
      parent[key] = pick([1e308, Number.MAX_SAFE_INTEGER, -1e9, 65536, 0]);
      break;
    default: // unicode in a name
      parent[key] = typeof parent[key] === "string" ? parent[key].replace(/[a-z]/, "ı") : parent[key];
  }
  return spec;
}

test("should pass or exit 2 with located messages for each of 500 mutations", async () => {
  const r = rng(20261126);
  const t = tmp();
  let passed = 0;
  let failed = 0;
  try {
    for (let i = 0; i < 500; i++) {
      let spec = structuredClone(BASE);
      const rounds = 1 + Math.floor(r() * 3);
      for (let j = 0; j < rounds; j++) spec = mutate(spec, r);
      const file = path.join(t.dir, `m${i}.json`);
      writeFileSync(file, JSON.stringify(spec, null, 2));
      const res = await cli("validate", file);
      assert.ok(res.code === 0 || res.code === 2, `mutation ${i} exited ${res.code}:\n${res.err}\n${JSON.stringify(spec)}`);
      assert.not.match(res.err, /internal error/, `mutation ${i}`);
      if (res.code === 2) {
        failed++;
        for (const line of res.err.split("\n").filter((l) => !/: warning: /.test(l))) {
          assert.match(line, /^\S+:\d+:\d+: \/\S*: \S/, `mutation ${i}: unlocated line ${JSON.stringify(line)}`);
        }
      } else passed++;
    }
  } finally {
    t.cleanup();
  }
  assert.ok(failed > 200, `expected most mutations to fail, ${failed} did`);
  assert.ok(passed > 0, "some mutations (e.g. a changed value that is still valid) pass");
});

test.run();
