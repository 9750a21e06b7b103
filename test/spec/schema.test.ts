import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { clusterSchema } from "../../src/spec/schema.js";
import { golden } from "../helpers/golden.js";
import { ROOT } from "../helpers/tools.js";

const test = suite("schema");

test("should be written to schemas/cluster.schema.json unchanged", () => {
  golden("schemas/cluster.schema.json", `${JSON.stringify(clusterSchema, null, 2)}\n`);
});

function walk(node: any, at: string, visit: (node: any, at: string) => void): void {
  visit(node, at);
  for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${at}/${k}`, visit);
  if (node.items) walk(node.items, `${at}[]`, visit);
}

test("should be a valid draft 2020-12 schema", () => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  ajv.addFormat("ip", true);
  ajv.addFormat("cidr", true);
  assert.ok(ajv.validateSchema(clusterSchema), JSON.stringify(ajv.errors));
  ajv.compile(clusterSchema);
});

test("should describe every property and close every object", () => {
  walk(clusterSchema, "", (node, at) => {
    if (at !== "") assert.ok(typeof node.description === "string" && node.description.length > 5, `${at} lacks a description`);
    if (node.type === "object" && at !== "/controllerManager/extraArgs") {
      assert.is(node.additionalProperties, false, `${at || "/"} must set additionalProperties: false`);
    }
  });
});

test("should carry the contract's defaults", () => {
  const p = clusterSchema.properties;
  assert.is(p.clusterName.default, "kubernetes");
  assert.is(p.kubernetesVersion.default, "1.36.0");
  assert.is(p.apiServer.properties.port.default, 6443);
  assert.is(p.paths.properties.certDir.default, "/etc/kubernetes/cert");
  assert.is(p.pki.properties.expiry.default, "876000h");
  assert.is(p.controllerManager.properties.securePort.default, 10252);
});

test("should be what cluster.example.json points at", () => {
  const ex = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));
  assert.is(ex.$schema, "./schemas/cluster.schema.json");
});

test.run();
