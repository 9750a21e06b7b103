// Loaded with `node --import`: appends every module URL the process resolves to the file named
// by KUBEBUNDLE_TRACE_LOADS (one per line), so tests can tell which packages a run loaded.
import { register } from "node:module";

const hooks = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.KUBEBUNDLE_TRACE_LOADS, r.url + "\\n");
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
