#!/usr/bin/env node
// The CLI's entry: dist/bin/kubebundle.js once built; `node --import tsx src/bin/kubebundle.ts` from
// the sources. Node's compile cache (module.enableCompileCache, Node >= 22.8; Node 20 has none) is
// turned on before the application loads, hence main through import().
import module from "node:module";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import("../cli/main.js");
process.exitCode = await main(process.argv.slice(2));
