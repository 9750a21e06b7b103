// The command line: yargs over one module per command; returns the exit code, never exits.
// yargs reads every command line. What it would misread is configured here: a catch-all command
// for a line that names no command, and a check refusing a switch given a value.
import type { Argv, CommandModule } from "yargs";
import { InputError, formatProblem, type Problem } from "../errors.js";
import { processIo, type Ctx, type Io } from "./io.js";
import { VERSION } from "./version.js";
import { validateCommand, VALIDATE_OPTIONS } from "./commands/validate.js";
import { generateCommand, GENERATE_OPTIONS } from "./commands/generate.js";
import { inspectCommand, INSPECT_OPTIONS } from "./commands/inspect.js";

/** OptionTable: a command's options as its builder declares them. */
type OptionTable = Readonly<Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>>;

/** Command: one subcommand, its options, and how its --json output names a failure. */
interface Command {
  make: (ctx: Ctx) => CommandModule<any, any>;
  options: OptionTable;
  /** The argument naming what a failure without a located problem concerns: the `file` of its --json problem. */
  subject: string;
  /** Fields the command's --json output of a failure starts with. */
  failed?: Record<string, unknown>;
}

/** COMMANDS: every subcommand. */
const COMMANDS: readonly Command[] = [
  { make: validateCommand, options: VALIDATE_OPTIONS, subject: "spec", failed: { valid: false } },
  { make: generateCommand, options: GENERATE_OPTIONS, subject: "out" },
  { make: inspectCommand, options: INSPECT_OPTIONS, subject: "path" },
];

/** GLOBAL_SWITCHES: the switches yargs gives every command line. */
const GLOBAL_SWITCHES = ["help", "h", "version"];

/** UsageError: the command line itself is wrong (unknown command or option, missing argument); exit 2, no handler runs. */
class UsageError extends Error {}

/** Reading: what yargs made of a command line, for reporting a failure. */
interface Reading {
  /** The command the line names, once yargs has started reading its options. */
  command?: Command;
  /** The arguments the command's handler got, once it runs. */
  args?: Record<string, unknown>;
  /** true when yargs read --json on the line. */
  json: boolean;
}

/** shown: a command-line word as a message shows it (quoted when empty or holding spaces or controls). */
function shown(word: string): string {
  return /^[\x21-\x7e]+$/.test(word) ? word : JSON.stringify(word);
}

/** nameOf: the word that names `c` on the command line. */
function nameOf(c: Command): string {
  return String(c.make({ io: processIo, code: 0 }).command).split(" ")[0]!;
}

/** failureJson: what --json prints on stdout when a run fails, for every command: the error's code and its problems. */
function failureJson(error: string, problems: readonly Problem[], failed: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...failed, error, problems }, null, 2);
}

/** problemsOf: an InputError's problems; one about `file` when it has none of its own. */
function problemsOf(e: InputError, file: string): Problem[] {
  return e.problems.length > 0 ? e.problems : [{ file, pointer: "", message: e.message, severity: "error" }];
}

/** reportError: InputError -> its problems and exit 2; anything else -> the stack and exit 1. */
export function reportError(e: unknown, io: Io): number {
  if (e instanceof InputError) {
    if (e.problems.length === 0) io.err(`error: ${e.message}`);
    for (const p of e.problems) io.err(formatProblem(p));
    return 2;
  }
  io.err(`kubebundle: internal error (please report it):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 1;
}

/** reportFailure: a failed run as lines on stderr, or with --json as failure JSON on stdout; the exit code. */
function reportFailure(e: unknown, reading: Reading, io: Io): number {
  const { command, json } = reading;
  if (e instanceof UsageError) {
    const help = `kubebundle ${command ? `${nameOf(command)} ` : ""}--help`;
    if (!json) io.err(`error: ${e.message} (see ${help})`);
    else io.out(failureJson("usage", [{ file: "", pointer: "", message: e.message, hint: help, severity: "error" }], command?.failed));
    return 2;
  }
  if (!json || !command) return reportError(e, io);
  if (e instanceof InputError) {
    io.out(failureJson(e.code, problemsOf(e, String(reading.args?.[command.subject] ?? "")), command.failed));
    return 2;
  }
  const message = `internal error (please report it): ${e instanceof Error ? e.message : String(e)}`;
  io.out(failureJson("internal", [{ file: "", pointer: "", message, severity: "error" }], command.failed));
  return reportError(e, io);
}

/** main: runs kubebundle with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const ctx: Ctx = { io, code: 0 };
  const reading: Reading = { json: false };
  const cli = await yargsCli(ctx, argv, reading);
  try {
    let output = "";
    await cli.parseAsync(argv, {}, (_err, _args, text) => {
      output = text;
    });
    if (output) io.out(output);
    return ctx.code;
  } catch (e) {
    return reportFailure(e, reading, io);
  }
}

/** switchProblem: a switch of `argv` given a value other than true or false, if any. */
function switchProblem(argv: readonly string[], switches: ReadonlySet<string>): string | null {
  for (const a of argv) {
    if (a === "--") break;
    const m = /^(--?)([^=]+)=(.*)$/s.exec(a);
    if (m && switches.has(m[2]!) && m[3] !== "true" && m[3] !== "false") return `${m[1]}${m[2]} is a switch: give it alone (or =true, =false), not =${shown(m[3]!)}`;
  }
  return null;
}

/** yargsCli: the yargs command line for `argv`; what it reads is noted in `reading`. */
async function yargsCli(ctx: Ctx, argv: readonly string[], reading: Reading): Promise<Argv> {
  const { default: yargs } = await import("yargs");
  const names = COMMANDS.map(nameOf);
  const options = COMMANDS.flatMap((c) => Object.entries(c.options));
  const switches = new Set([...GLOBAL_SWITCHES, ...options.flatMap(([name, o]) => (o.type === "boolean" ? [name, ...(o.short ? [o.short] : [])] : []))]);
  let cli: Argv = yargs()
    .scriptName("kubebundle")
    .usage("kubebundle <command> [options]\n\nOffline generator of per-node control-plane bundles.")
    .version(VERSION)
    .help()
    .alias("h", "help")
    .strict()
    .parserConfiguration({ "duplicate-arguments-array": false, "boolean-negation": false })
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    // yargs-parser reads `--quiet=yes` as false before any coercion sees the value, so a check
    // looks at the words. It runs after yargs' own validation: a switch the command does not have
    // is an unknown argument first.
    .check(() => {
      const problem = switchProblem(argv, switches);
      if (problem) throw new UsageError(problem);
      return true;
    })
    .fail((msg, err) => {
      // Throwing stops yargs before any handler runs: a mistyped command line changes nothing.
      // yargs reports some usage mistakes as a YError rather than a message.
      if (err && !(err instanceof UsageError) && err.name !== "YError") throw err;
      if (cli.parsed) reading.json = cli.parsed.argv.json === true; // the command's own reading by now
      throw err instanceof UsageError ? err : new UsageError(msg ?? err?.message ?? "bad usage");
    });
  for (const c of COMMANDS) {
    const module = c.make(ctx);
    const builder = module.builder as (y: Argv) => Argv;
    const handler = module.handler;
    cli = cli.command({
      ...module,
      builder: (y) => {
        reading.command = c;
        return builder(y);
      },
      handler: (args) => {
        reading.args = args;
        reading.json = args.json === true;
        return handler(args);
      },
    });
  }
  // The catch-all: a line that names no command (nothing, a word that is none, "--" first); its
  // handler only raises the usage error. It knows every command's options, so that
  // `--json valdate` reads as the unknown command valdate.
  return cli.command({
    command: "$0 [command] [words..]",
    describe: false,
    builder: (y) => {
      for (const [name, o] of options) y.option(name, { type: o.type, hidden: true, ...(o.short ? { alias: o.short } : {}) });
      return y;
    },
    handler: (args) => {
      reading.json = args.json === true;
      const list = `name a command: ${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
      const word = args.command as string | undefined;
      throw new UsageError(word === undefined ? list : `unknown command: ${shown(word)}; ${list}`);
    },
  });
}
