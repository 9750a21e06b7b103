// Specs written for a test: cluster.example.json with ECDSA keys (fast to generate) and one edit.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./tools.js";

/** EXAMPLE: the example spec the README runs. */
export const EXAMPLE = path.join(ROOT, "cluster.example.json");

/** ecdsaSpec: the example with ECDSA P-256 keys, changed by `edit`, written to `<dir>/cluster.json`; returns its path. */
export function ecdsaSpec(dir: string, edit: (s: any) => void = () => {}): string {
  const s = JSON.parse(readFileSync(EXAMPLE, "utf8"));
  delete s.$schema;
  s.pki.key = { algo: "ecdsa", size: 256 };
  edit(s);
  const file = path.join(dir, "cluster.json");
  writeFileSync(file, JSON.stringify(s, null, 2));
  return file;
}
