// The schema's own string formats ("ip", "cidr"), shared by the generated validator and its recipe.
import { parseCidr, parseIp } from "./ip.js";

/** FORMATS: format name -> ajv format definition. */
export const FORMATS = {
  ip: { type: "string", validate: (s: string) => parseIp(s) !== null },
  cidr: { type: "string", validate: (s: string) => parseCidr(s) !== null },
} as const;
