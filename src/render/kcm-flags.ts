// PLACEHOLDER until the flag table lands: signature only.
import type { KubeVersion } from "../plan/contract.js";
import type { SpecProblem } from "../spec/schema-validator.js";

/** extraArgsProblems: one problem per extraArgs flag that the target release does not have. */
export function extraArgsProblems(_version: KubeVersion, _extraArgs: Record<string, string | null>): SpecProblem[] {
  return [];
}
