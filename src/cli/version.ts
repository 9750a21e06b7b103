// The package's own version, read once from package.json (two levels above src/cli and dist/cli).
import { readFileSync } from "node:fs";

/** VERSION: kubebundle's version, as in package.json. */
export const VERSION: string = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
