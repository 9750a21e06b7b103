// Runs the CLI in process and collects what it prints.
import { main } from "../../src/cli/main.js";

/** CliResult: exit code and the printed text. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** cli: `kubebundle ...argv` in process. */
export async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
