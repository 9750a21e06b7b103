import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { clusterSchema } from "../../src/spec/schema.js";
import { validateSchema } from "../../src/spec/schema-validator.js";
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
  ajv.addFormat("ipv4", true);
  ajv.addFormat("ipv6", true);
  ajv.addFormat("cidr", true);
  assert.ok(ajv.validateSchema(clusterSchema), JSON.stringify(ajv.errors));
  ajv.compile(clusterSchema);
});

test("should describe every property and close every object", () => {
  walk(clusterSchema, "", (node, at) => {
    if (at !== "") assert.ok(typeof node.description === "string" && node.description.length > 5, `${at} lacks a description`);
    if (node.type === "object" && !at.endsWith("/extraArgs")) {
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

test("should have an $id and use the standard ipv4/ipv6 formats for addresses", () => {
  assert.is(clusterSchema.$id, "urn:kubebundle:cluster-spec");
  assert.equal(clusterSchema.properties.nodes.items.properties.ip.anyOf, [{ format: "ipv4" }, { format: "ipv6" }]);
});

test("should reject by itself what the semantic rules reject wherever a schema can say it (an editor shows it while typing)", () => {
  const base = () => JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));
  const cases: [string, (s: any) => void][] = [
    ["/nodes/0/name", (s) => (s.nodes[0].name = "Node_1")],
    ["/nodes/0/ip", (s) => (s.nodes[0].ip = "010.0.0.1")],
    ["/clusterName", (s) => (s.clusterName = "Bad Name")],
    ["/kubernetesVersion", (s) => (s.kubernetesVersion = "1.30.04")],
    ["/serviceCIDR", (s) => (s.serviceCIDR = "10.254.0.0/016")],
    ["/apiServer/endpoint", (s) => (s.apiServer.endpoint = "https://a;b:6443")],
    ["/apiServer/endpoint", (s) => (s.apiServer.endpoint = "https://api:0")],
    ["/apiServer/port", (s) => (s.apiServer.port = 0)],
    ["/paths/dataDir", (s) => (s.paths.dataDir = "data/k8s")],
    ["/paths/dataDir", (s) => (s.paths.dataDir = `/${"d".repeat(1024)}`)],
    ["/pki/expiry", (s) => (s.pki.expiry = "365d")],
    ["/pki/key/size", (s) => (s.pki.key = { algo: "rsa", size: 256 })],
    ["/pki/key/size", (s) => (s.pki.key = { algo: "ecdsa", size: 2048 })],
    ["/pki/names/0/C", (s) => (s.pki.names[0].C = "cn")],
    ["/controllerManager/extraArgs/v", (s) => (s.controllerManager.extraArgs.v = "$(reboot)")],
    ["/controllerManager/extraArgs/v", (s) => (s.controllerManager.extraArgs.v = "x".repeat(4097))],
    ["/controllerManager/extraArgs", (s) => (s.controllerManager.extraArgs = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, "1"])))],
  ];
  assert.equal(validateSchema(base()), [], "the example passes");
  for (const [pointer, edit] of cases) {
    const spec = base();
    edit(spec);
    assert.ok(validateSchema(spec).some((p) => p.pointer === pointer && p.severity === "error"), `${pointer}: ${JSON.stringify(validateSchema(spec))}`);
  }
  const ok = base();
  ok.pki.key = { algo: "ecdsa", size: 384 };
  ok.apiServer.endpoint = "https://[2001:db8::1]:6443";
  assert.equal(validateSchema(ok), []);
});

test.run();
