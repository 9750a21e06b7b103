// PLACEHOLDER: `kubebundle inspect` lands with the PKI stage.
import type { CommandModule } from "yargs";
import type { Ctx } from "../io.js";

export function inspectCommand(ctx: Ctx): CommandModule<object, object> {
  return {
    command: "inspect <path>",
    describe: "table of certificates under PATH (not yet available)",
    handler: () => {
      ctx.io.err("inspect: not yet available");
      ctx.code = 1;
    },
  };
}
