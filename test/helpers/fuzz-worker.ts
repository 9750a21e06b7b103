// Runs seeded spec mutations through the CLI in process and prints one JSON line per case: validate's exit code, and for
// every spec validate accepts, generate's (into one out/ shared by all cases, as a user re-running would).
// Run: node --import tsx test/helpers/fuzz-worker.ts SEED COUNT SCRATCH
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { cli } from "./cli.js";
import { ecdsaSpec } from "./specs.js";
import { mutate, rng } from "./fuzz.js";

const [seedText, countText, scratch] = process.argv.slice(2);
const r = rng(Number(seedText));
const base = JSON.parse(readFileSync(ecdsaSpec(scratch!), "utf8"));
const out = path.join(scratch!, "out");
for (let i = 0; i < Number(countText); i++) {
  let spec = structuredClone(base);
  const rounds = 1 + Math.floor(r() * 3);
  for (let j = 0; j < rounds; j++) spec = mutate(spec, r);
  const file = path.join(scratch!, `m${i}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  const v = await cli("validate", file);
  const g = v.code === 0 ? await cli("generate", file, "--out", out, "--quiet") : undefined;
  console.log(JSON.stringify({ i, validate: v.code, validateErr: v.err, generate: g?.code, generateErr: g?.err, spec }));
}
