// The command line: yargs over one module per command; returns the exit code, never exits.
// A plain generate command line skips loading yargs (plain-generate.ts).
import type { CommandModule } from "yargs";
import { InputError, formatProblem } from "../errors.js";
import { processIo, type Ctx, type Io } from "./io.js";
import { VERSION } from "./version.js";
import { validateCommand } from "./commands/validate.js";
import { generateCommand, runGenerate } from "./commands/generate.js";
import { inspectCommand } from "./commands/inspect.js";
import { plainGenerateArgs } from "./plain-generate.js";
import { usageProblem } from "./precheck.js";

/** COMMANDS: every subcommand, each built from the shared context. */
const COMMANDS: readonly ((ctx: Ctx) => CommandModule<any, any>)[] = [validateCommand, generateCommand, inspectCommand];

/** UsageError: the command line itself is wrong (unknown option, missing argument); exit 2. */
class UsageError extends Error {}

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

/** main: runs kubebundle with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const ctx: Ctx = { io, code: 0 };
  const plain = plainGenerateArgs(argv);
  if (plain) {
    try {
      await runGenerate(plain, ctx);
      return ctx.code;
    } catch (e) {
      return reportError(e, io);
    }
  }
  const problem = usageProblem(argv, COMMANDS.map((make) => String(make(ctx).command).split(" ")[0]!));
  if (problem) {
    io.err(`error: ${problem} (see kubebundle --help)`);
    return 2;
  }
  const cli = await yargsCli(ctx, COMMANDS);
  try {
    let shown = "";
    await cli.parseAsync(argv, {}, (_err, _args, output) => {
      shown = output;
    });
    if (shown) io.out(shown);
    return ctx.code;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message} (see kubebundle --help)`);
      return 2;
    }
    return reportError(e, io);
  }
}

/** yargsCli: the yargs command line over `commands` (exported for the tests that compare it with plain-generate.ts). */
export async function yargsCli(ctx: Ctx, commands: readonly ((ctx: Ctx) => CommandModule<any, any>)[]) {
  const { default: yargs } = await import("yargs");
  let cli = yargs()
    .scriptName("kubebundle")
    .usage("kubebundle <command> [options]\n\nOffline generator of per-node kube-controller-manager bundles.")
    .version(VERSION)
    .help()
    .alias("h", "help")
    .strict()
    .parserConfiguration({ "duplicate-arguments-array": false, "boolean-negation": false })
    .demandCommand(1, "name a command: validate, generate or inspect")
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      // Throwing stops yargs before any handler runs: a mistyped option changes nothing.
      // yargs reports some usage mistakes as a YError rather than a message.
      throw err && err.name !== "YError" ? err : new UsageError(msg ?? err?.message ?? "bad usage");
    });
  for (const make of commands) cli = cli.command(make(ctx));
  return cli;
}
