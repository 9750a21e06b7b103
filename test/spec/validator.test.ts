import { suite } from "uvu";
import * as assert from "uvu/assert";
import { clusterAjv, validatorSource } from "../../src/spec/validator-source.js";
import { clusterSchema } from "../../src/spec/schema.js";
import { validate } from "../../src/spec/cluster-validator.gen.js";
import { EXAMPLE_SPEC } from "../pki/_support.js";
import { golden } from "../helpers/golden.js";

const test = suite("cluster-validator.gen");

test("should be what ajv standalone makes of the current schema (UPDATE_GOLDEN=1 rewrites it)", () => {
  golden("src/spec/cluster-validator.gen.ts", validatorSource());
});

test("should give the same verdict, errors and defaults as ajv compiling at run time", () => {
  const live = clusterAjv().compile(clusterSchema); // the same schema compiled at run time
  const cases: unknown[] = [
    structuredClone(EXAMPLE_SPEC),
    {},
    { nodes: [], serviceCIDR: "10.0.0.0/33" },
    { ...structuredClone(EXAMPLE_SPEC), nodes: [{ name: "a", ip: "300.1.1.1" }], extra: 1 },
    { ...structuredClone(EXAMPLE_SPEC), pki: { key: { algo: "dsa", size: 1 } } },
    { ...structuredClone(EXAMPLE_SPEC), controllerManager: { extraArgs: { "--Bad": 1 } } },
  ];
  for (const c of cases) {
    const [a, b] = [structuredClone(c), structuredClone(c)];
    const ok = validate(a);
    assert.is(ok, live(b), JSON.stringify(c));
    assert.equal(validate.errors ?? null, live.errors ?? null);
    assert.equal(a, b, "same defaults applied");
  }
});

test.run();
