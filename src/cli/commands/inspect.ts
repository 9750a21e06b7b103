// `kubebundle inspect PATH`: a table of every certificate under PATH; exit 1 when one has expired or does not chain.
import type { CommandModule } from "yargs";
import type { Ctx } from "../io.js";

interface Args {
  path: string;
  json: boolean;
}

/** INSPECT_OPTIONS: inspect's options. */
export const INSPECT_OPTIONS = {
  json: { type: "boolean", default: false, describe: "print the report as JSON" },
} as const;

/** inspectCommand: the table (or --json) of certificates in a .pem, a folder such as out/, or a node tarball. */
export function inspectCommand(ctx: Ctx): CommandModule<object, Args> {
  return {
    command: "inspect <path>",
    describe: "table of certificates under PATH (a .pem, an out folder, or a node tarball): subject, SANs, issuer, key, not-after, days left, chain",
    builder: (y) =>
      y
        .positional("path", { type: "string", demandOption: true, describe: "a .pem file, a folder such as out/, or a node .tar.gz" })
        .option("json", INSPECT_OPTIONS.json) as any,
    handler: async (args) => {
      const { inspectPath } = await import("../../inspect/report.js");
      const { formatTable, safeJson } = await import("../../inspect/table.js");
      const report = await inspectPath(args.path);
      ctx.io.out(args.json ? safeJson(report) : formatTable(report));
      if (report.problems.length > 0) ctx.code = 1;
    },
  };
}
