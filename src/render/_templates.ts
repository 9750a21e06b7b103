// Loads the ejs templates in templates/ (two levels above src/render and dist/bin), compiled once each.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ejs from "ejs";

const compiled = new Map<string, ejs.TemplateFunction>();

/** renderTemplate: templates/NAME rendered with `data` (named `it` in the template); output is never HTML-escaped. */
export function renderTemplate(name: string, data: Record<string, unknown>): string {
  let fn = compiled.get(name);
  if (!fn) {
    const url = new URL(`../../templates/${name}`, import.meta.url);
    fn = ejs.compile(readFileSync(url, "utf8"), { filename: fileURLToPath(url), strict: true, localsName: "it", escape: String, async: false });
    compiled.set(name, fn);
  }
  return fn(data);
}
