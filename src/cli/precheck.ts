// Command-line mistakes that yargs would misread, found before it runs: a mistyped command (yargs
// calls it an unknown argument), a command line that starts with "--" (yargs does nothing and
// exits 0), and a switch given a value other than true or false (yargs reads `--quiet=yes` as false).
import { GENERATE_OPTIONS } from "./commands/generate.js";
import { INSPECT_OPTIONS } from "./commands/inspect.js";
import { VALIDATE_OPTIONS } from "./commands/validate.js";

type Options = Record<string, { type: "string" | "boolean"; short?: string }>;

/** COMMAND_OPTIONS: each command's options tables, as its yargs builder reads them. */
const COMMAND_OPTIONS: Record<string, Options> = { validate: VALIDATE_OPTIONS, generate: GENERATE_OPTIONS, inspect: INSPECT_OPTIONS };

/** GLOBAL_SWITCHES: the switches of every command line. */
const GLOBAL_SWITCHES = ["help", "h", "version"];

function switchesOf(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => (o.type === "boolean" ? [name, ...(o.short ? [o.short] : [])] : []));
}

/** shown: a command-line word as a message shows it (quoted when empty or holding spaces or controls). */
function shown(word: string): string {
  return /^[\x21-\x7e]+$/.test(word) ? word : JSON.stringify(word);
}

/** usageProblem: what is wrong with `argv` that yargs would misread, if anything; `commands` are the command names. */
export function usageProblem(argv: readonly string[], commands: readonly string[]): string | null {
  const first = argv[0];
  const choose = `name a command: ${commands.join(", ")}`;
  if (first === "--") return choose;
  if (first !== undefined && !first.startsWith("-") && first !== "help" && !commands.includes(first)) return `Unknown command: ${shown(first)}; ${choose}`;
  const command = argv.find((a) => !a.startsWith("-"));
  const switches = new Set([...GLOBAL_SWITCHES, ...switchesOf((command !== undefined && COMMAND_OPTIONS[command]) || {})]);
  for (const a of argv) {
    if (a === "--") break;
    const m = /^(--?)([^=]+)=(.*)$/s.exec(a);
    if (m && switches.has(m[2]!) && m[3] !== "true" && m[3] !== "false") return `${m[1]}${m[2]} is a switch: give it alone (or =true, =false), not =${shown(m[3]!)}`;
  }
  return null;
}
