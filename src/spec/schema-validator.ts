// Schema validation with ajv (the standalone code of cluster-validator.gen.ts): applies defaults
// and maps every ajv error to a SpecProblem.
import type { ErrorObject } from "ajv/dist/2020.js";
import { clusterSchema } from "./schema.js";
import { validate as validateCluster } from "./cluster-validator.gen.js";
import { closest } from "./_closest.js";
import { pointerToken } from "../errors.js";

/** SpecProblem: a problem at a JSON pointer of the spec, with an optional corrected value. */
export interface SpecProblem {
  pointer: string;
  message: string;
  hint?: string;
  severity: "error" | "warning";
}

/** schemaAt: the sub-schema of clusterSchema's properties along an instance path (for "did you mean"). */
function knownFields(pointer: string): string[] {
  let node: any = clusterSchema;
  for (const tok of pointer.split("/").slice(1)) {
    if (node?.type === "array" || node?.items) node = node.items;
    else node = node?.properties?.[tok.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return Object.keys(node?.properties ?? {});
}

/** schemaNode: the sub-schema an ajv schemaPath ("#/properties/pki/properties/expiry/pattern") points into, less its keyword. */
function schemaNode(schemaPath: string): any {
  let node: any = clusterSchema;
  for (const tok of schemaPath.replace(/^#\//, "").split("/").slice(0, -1)) node = node?.[decodeURIComponent(tok).replace(/~1/g, "/").replace(/~0/g, "~")];
  return node;
}

/** FORMAT_NAMES: how a message names a value of each format: "IPv4" and "address" make "a valid IPv4 address". */
const FORMAT_NAMES: Readonly<Record<string, [string, string]>> = { ipv4: ["IPv4", "address"], ipv6: ["IPv6", "address"], cidr: ["CIDR", "(address/prefix)"] };
const formatText = (formats: string[]) => `is not a valid ${formats.map((f) => FORMAT_NAMES[f]?.[0] ?? f).join(" or ")} ${FORMAT_NAMES[formats.at(-1)!]?.[1] ?? "value"}`;

function mapError(e: ErrorObject): SpecProblem | null {
  const at = e.instancePath;
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case "required":
      return { pointer: `${at}/${pointerToken(p.missingProperty)}`, message: "is required", severity: "error" };
    case "additionalProperties": {
      const field = String(p.additionalProperty);
      const hint = closest(field, knownFields(at));
      return { pointer: `${at}/${pointerToken(field)}`, message: `unknown field "${field}"`, ...(hint ? { hint } : {}), severity: "error" };
    }
    case "propertyNames":
      return null; // reported by the inner "pattern" error, which names the property
    case "pattern":
      if (e.propertyName !== undefined) {
        return {
          pointer: `${at}/${pointerToken(e.propertyName)}`,
          message: `flag name "${e.propertyName}" must be lower-case letters, digits and "-", without the leading "--"`,
          severity: "error",
        };
      }
      return { pointer: at, message: `is not of the form this field takes: ${schemaNode(e.schemaPath)?.description ?? p.pattern}`, severity: "error" };
    case "format":
      return { pointer: at, message: formatText([p.format]), severity: "error" };
    case "anyOf": {
      // Every branch a format (nodes[].ip: ipv4 or ipv6): one message naming them all.
      const branches = (schemaNode(e.schemaPath)?.anyOf ?? []) as { format?: string }[];
      const formats = branches.map((b) => b.format);
      if (formats.length > 0 && formats.every((f) => f !== undefined)) return { pointer: at, message: formatText(formats as string[]), severity: "error" };
      return { pointer: at, message: e.message ?? "fails anyOf", severity: "error" };
    }
    case "if":
      return null; // reported by the failing "then" keyword, at the field it names
    case "maxLength":
      return { pointer: at, message: `is longer than ${p.limit} characters`, severity: "error" };
    case "maxProperties":
      return { pointer: at, message: `has more than ${p.limit} entries`, severity: "error" };
    case "enum":
      return { pointer: at, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`, severity: "error" };
    case "minItems":
      return { pointer: at, message: `must list at least ${p.limit} item${p.limit === 1 ? "" : "s"}`, severity: "error" };
    case "type":
      return { pointer: at, message: `must be ${String(p.type).replace(",", " or ")}`, severity: "error" };
    default:
      return { pointer: at, message: e.message ?? `fails ${e.keyword}`, severity: "error" };
  }
}

/** validateSchema: applies defaults to `data` in place and returns every schema problem (none: valid). */
export function validateSchema(data: unknown): SpecProblem[] {
  if (validateCluster(data)) return [];
  const seen = new Set<string>();
  const out: SpecProblem[] = [];
  const errors = (validateCluster.errors ?? []) as ErrorObject[];
  // A format error inside an anyOf is reported by the anyOf, once.
  const anyOf = errors.filter((e) => e.keyword === "anyOf").map((e) => e.schemaPath);
  for (const e of errors) {
    if (e.keyword === "format" && anyOf.some((a) => e.schemaPath.startsWith(`${a}/`))) continue;
    const p = mapError(e);
    if (!p) continue;
    // One problem per field: the first thing wrong with it (a CIDR that fails its form fails its format too).
    if (!seen.has(p.pointer)) {
      seen.add(p.pointer);
      out.push(p);
    }
  }
  return out;
}
