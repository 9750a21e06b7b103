// Runs the CLI in process and collects what it prints; or names the command that runs it from source.
import path from "node:path";
import { main } from "../../src/cli/main.js";
import { ROOT } from "./tools.js";

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

/** CLI_FROM_SOURCE: the command (program and arguments) that runs kubebundle from the sources, as a process. */
export const CLI_FROM_SOURCE: readonly string[] = [process.execPath, "--import", "tsx", path.join(ROOT, "src/bin/kubebundle.ts")];
