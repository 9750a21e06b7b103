// The common command line `generate [SPEC] [--out DIR] [--force] [-q|--quiet] [--json]`, read
// with node's own util.parseArgs so that a generate run does not pay ~100 ms for loading yargs.
// Anything else (help, version, other commands, a doubtful or wrong command line) returns null
// and goes through yargs, which owns every usage message.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { GENERATE_OPTIONS, GENERATE_SPEC, type GenerateArgs } from "./commands/generate.js";

const OPTIONS: ParseArgsConfig["options"] = Object.fromEntries(
  Object.entries(GENERATE_OPTIONS).map(([name, o]) => [name, { type: o.type, ...("short" in o ? { short: o.short } : {}) }]),
);

/** plainGenerateArgs: the GenerateArgs of a plain generate command line, or null when yargs must read it. */
export function plainGenerateArgs(argv: readonly string[]): GenerateArgs | null {
  if (argv[0] !== "generate" || argv.includes("--")) return null;
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: OPTIONS, allowPositionals: true, strict: true });
  } catch {
    return null; // unknown option, missing or doubtful value: yargs says what is wrong
  }
  const { positionals } = parsed;
  if (positionals.length > 1) return null;
  const values = parsed.values as { out?: string; force?: boolean; quiet?: boolean; json?: boolean };
  const d = GENERATE_OPTIONS;
  return {
    spec: positionals[0] ?? GENERATE_SPEC.default,
    out: values.out ?? d.out.default,
    force: values.force ?? d.force.default,
    quiet: values.quiet ?? d.quiet.default,
    json: values.json ?? d.json.default,
  };
}
