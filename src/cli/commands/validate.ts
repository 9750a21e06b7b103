// `kubebundle validate [SPEC]`: every problem of a spec, or a summary of what generate would make.
import type { CommandModule } from "yargs";
import { formatProblem } from "../../errors.js";
import type { Ctx } from "../io.js";

interface Args {
  spec: string;
  json: boolean;
}

/** VALIDATE_OPTIONS: validate's options. */
export const VALIDATE_OPTIONS = {
  json: { type: "boolean", default: false, describe: "print the result as JSON" },
} as const;

/** validateCommand: exit 0 and a summary when valid; exit 2 and one line per problem otherwise (main prints them, as JSON with --json). */
export function validateCommand(ctx: Ctx): CommandModule<object, Args> {
  return {
    command: "validate [spec]",
    describe: "check a cluster spec; print a summary or every problem",
    builder: (y) =>
      y
        .positional("spec", { type: "string", default: "cluster.json", describe: "cluster spec (JSON)" })
        .option("json", VALIDATE_OPTIONS.json) as any,
    handler: async (args) => {
      const { loadSpec } = await import("../../spec/load.js");
      const { summarise } = await import("../../spec/summary.js");
      const { cluster, warnings } = loadSpec(args.spec);
      if (Object.keys(cluster.caImports).length > 0) await (await import("../../pki/index.js")).checkSpecCa(cluster);
      const summary = summarise(cluster);
      if (args.json) ctx.io.out(JSON.stringify({ valid: true, problems: warnings, summary }, null, 2));
      else {
        for (const w of warnings) ctx.io.err(formatProblem(w));
        ctx.io.out(summary.text);
      }
    },
  };
}
