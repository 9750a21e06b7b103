// `kubebundle inspect PATH`: every certificate under PATH and what is found about it; exit 1 when one has a problem
// (expired, not yet valid, a chain that does not verify, a key beside it that is not its own, a weak key or signature),
// 3 when the worst is a certificate expiring within --warn.
import type { CommandModule } from "yargs";
import { InputError } from "../../errors.js";
import type { Ctx } from "../io.js";

interface Args {
  path: string;
  json: boolean;
  warn: string;
}

/** INSPECT_OPTIONS: inspect's options. */
export const INSPECT_OPTIONS = {
  json: { type: "boolean", default: false, describe: "print the report as JSON (every finding, every SAN)" },
  warn: { type: "string", default: "30d", describe: "warn (exit 3) about certificates expiring within this time: 30d, 720h, 1d12h, 0 for never" },
} as const;

/** inspectCommand: the report (or --json) of certificates in a .pem, a folder such as out/, or a node tarball. */
export function inspectCommand(ctx: Ctx): CommandModule<object, Args> {
  return {
    command: "inspect <path>",
    describe: "certificates under PATH (a .pem, an out folder, or a node tarball): subject, SANs, issuer, chain, key, validity; problems exit 1, expiring within --warn exits 3",
    builder: (y) =>
      y
        .positional("path", { type: "string", demandOption: true, describe: "a .pem file, a folder such as out/, or a node .tar.gz" })
        .option("json", INSPECT_OPTIONS.json)
        .option("warn", INSPECT_OPTIONS.warn) as any,
    handler: async (args) => {
      const { exitCode, inspectPath, parseWindow } = await import("../../inspect/report.js");
      const { DEFAULT_WIDTH, formatTable, safeJson } = await import("../../inspect/table.js");
      const ms = parseWindow(args.warn);
      // A command-line mistake: exit 2 before anything is read.
      if (ms === null) throw new InputError("usage", `--warn ${JSON.stringify(args.warn)}: give a duration such as 30d, 720h or 1d12h (units d, h, m, s), or 0 (see kubebundle inspect --help)`);
      const report = await inspectPath(args.path, { warn: { text: args.warn, ms } });
      const width = process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : DEFAULT_WIDTH;
      ctx.io.out(args.json ? safeJson(report) : formatTable(report, width));
      ctx.code = exitCode(report);
    },
  };
}
