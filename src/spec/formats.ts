// The schema's string formats, shared by the generated validator and its recipe: the standard "ipv4" and "ipv6"
// (strict: no leading zeros, no zone), and "cidr", which JSON Schema lacks.
import { parseCidr, parseIp } from "./ip.js";

/** FORMATS: format name -> ajv format definition. */
export const FORMATS = {
  ipv4: { type: "string", validate: (s: string) => parseIp(s)?.family === "ipv4" },
  ipv6: { type: "string", validate: (s: string) => parseIp(s)?.family === "ipv6" },
  cidr: { type: "string", validate: (s: string) => parseCidr(s) !== null },
} as const;
