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
      return { pointer: at, message: `must match ${p.pattern}`, severity: "error" };
    case "format":
      return {
        pointer: at,
        message: p.format === "ip" ? "is not a valid IPv4 or IPv6 address" : p.format === "cidr" ? "is not a valid CIDR (address/prefix)" : `must be a valid ${p.format}`,
        severity: "error",
      };
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
  for (const e of (validateCluster.errors ?? []) as ErrorObject[]) {
    const p = mapError(e);
    if (!p) continue;
    const key = `${p.pointer}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}
