// `kubebundle generate [SPEC] [--out DIR]`: out/ brought up to date; a step per line, a closing table.
import path from "node:path";
import type { CommandModule } from "yargs";
import { formatProblem } from "../../errors.js";
import { VERSION } from "../version.js";
import { dropScratch } from "../../write/out-tree.js";
import type { Ctx } from "../io.js";
import type { GenerateReport } from "../../generate.js";

/** GenerateArgs: what a generate command line says. */
interface GenerateArgs {
  spec: string;
  /** Absent: `out` beside the spec file. */
  out?: string;
  force: boolean;
  quiet: boolean;
  json: boolean;
}

/** GENERATE_OPTIONS: generate's options. */
export const GENERATE_OPTIONS = {
  out: { type: "string", describe: "output folder (default: out beside the spec, where its state already is)" },
  force: { type: "boolean", default: false, describe: "write into a non-empty folder that kubebundle did not write" },
  quiet: { type: "boolean", short: "q", default: false, describe: "print only warnings and errors" },
  json: { type: "boolean", default: false, describe: "print the report as JSON" },
} as const satisfies Record<string, { type: "string" | "boolean"; short?: string; default?: boolean; describe: string }>;

/** table: the closing report: certificates reused or issued (and why), then one row per node. */
export function table(r: GenerateReport): string {
  const lines: string[] = [];
  const idWidth = Math.max(24, ...r.pki.map((e) => e.id.length));
  for (const e of r.pki) lines.push(`  ${e.id.padEnd(idWidth)} ${e.action.padEnd(8)} ${e.detail}`);
  const w = Math.max(4, ...r.nodes.map((n) => n.name.length));
  lines.push("", `  ${"node".padEnd(w)}  ${"status".padEnd(9)}  written  ${"bundle".padEnd(w + 16)}  ${"size".padStart(7)}  sha256`);
  for (const n of r.nodes) {
    const written = `${n.written}/${n.files}`.padStart(7);
    lines.push(`  ${n.name.padEnd(w)}  ${n.status.padEnd(9)}  ${written}  ${n.bundle.padEnd(w + 16)}  ${String(n.size).padStart(7)}  ${n.sha256}`);
  }
  for (const n of r.removedNodes) lines.push(`  ${n.padEnd(w)}  removed`);
  lines.push("", r.changed ? `out: ${r.out} updated` : `out: ${r.out}: no changes`);
  return lines.join("\n");
}

/** generateCommand: validate, plan, pki, render, write; exit 2 on bad input with out/ untouched. */
export function generateCommand(ctx: Ctx): CommandModule<object, GenerateArgs> {
  return {
    command: "generate [spec]",
    describe: "write or refresh the output folder: PKI, kubeconfigs, units, install.sh, tarballs, manifest",
    builder: (y) => {
      let b = y.positional("spec", { type: "string", default: "cluster.json", describe: "cluster spec (JSON)" });
      for (const [name, o] of Object.entries(GENERATE_OPTIONS)) {
        b = b.option(name, { type: o.type, ...("default" in o ? { default: o.default } : {}), describe: o.describe, ...("short" in o ? { alias: o.short } : {}), ...(o.type === "string" ? { requiresArg: true } : {}) });
      }
      return b as any;
    },
    handler: (args) => runGenerate(args, ctx),
  };
}

/** runGenerate: one generate run as the command line asked; throws InputError for bad input. */
async function runGenerate(args: GenerateArgs, ctx: Ctx): Promise<void> {
  const { generate } = await import("../../generate.js");
  // The output folder defaults to `out` beside the spec, as paths inside the spec are relative to it: a run from another
  // folder finds the same out/pki instead of minting a second CA.
  const out = args.out ?? path.join(path.dirname(args.spec), "out");
  const step = args.quiet || args.json ? () => {} : (l: string) => ctx.io.out(l);
  // Ctrl-C / SIGTERM: out/ is only ever swapped in whole; drop any scratch folder beside it and stop.
  let written = false;
  const onSignal = (sig: NodeJS.Signals) => {
    dropScratch(out);
    ctx.io.err(`generate: interrupted (${sig}); ${out} ${written ? "was already updated" : "left as it was"}`);
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  let report;
  try {
    report = await generate({ spec: args.spec, out, force: args.force, version: VERSION, onWritten: () => (written = true) }, step);
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  for (const w of report.warnings) ctx.io.err(formatProblem(w));
  if (args.json) ctx.io.out(JSON.stringify(report, null, 2));
  else if (!args.quiet) ctx.io.out(table(report));
}
