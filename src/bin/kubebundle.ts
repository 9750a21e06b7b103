#!/usr/bin/env node
// The CLI run from source (node --import tsx src/bin/kubebundle.ts); the built one starts at launch.ts.
import { main } from "../cli/main.js";

process.exitCode = await main(process.argv.slice(2));
