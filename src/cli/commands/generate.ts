// PLACEHOLDER: `kubebundle generate` lands with the generate stage.
import type { CommandModule } from "yargs";
import type { Ctx } from "../io.js";

export function generateCommand(ctx: Ctx): CommandModule<object, object> {
  return {
    command: "generate [spec]",
    describe: "write or refresh the output folder (not yet available)",
    handler: () => {
      ctx.io.err("generate: not yet available");
      ctx.code = 1;
    },
  };
}
