// verify.sh in each node's plan checks where the unit really serves: extraArgs overrides of
// --secure-port and --bind-address win over securePort and the node IP.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { planNode } from "../../src/plan/node-plan.js";
import { kcmFlags } from "../helpers/components.js";
import type { Cluster, ClusterNode } from "../../src/spec/cluster.js";
import { clusterWith, loadFixture, PEMS, SECRETS } from "./_specs.js";

/** verifyOf: the node's verify.sh text, as its plan holds it. */
function verifyOf(c: Cluster, node: ClusterNode): string {
  const f = planNode(c, node, (id) => PEMS[id as keyof typeof PEMS] ?? PEMS.ca, "0.0.0-test", SECRETS).files.find((x) => x.path.endsWith("/verify.sh"));
  assert.ok(f, "the plan holds verify.sh");
  return f!.content.toString("utf8");
}

/** checked: the address and port verify.sh checks by default (its NODE_IP and SECURE_PORT). */
function checked(c: Cluster, node: ClusterNode): { host: string; port: string } {
  const text = verifyOf(c, node);
  const host = /^readonly NODE_IP='([^']*)'$/m.exec(text);
  const port = /^readonly SECURE_PORT='([^']*)'$/m.exec(text);
  assert.ok(host && port, "verify.sh sets NODE_IP and SECURE_PORT");
  return { host: host![1]!, port: port![1]! };
}

const flagOf = (c: Cluster, node: ClusterNode, name: string) => kcmFlags(c, node).find((f) => f.name === name)?.value;
const withArgs = (extraArgs: Record<string, string | null>, base = "spec/valid-minimal.json") =>
  clusterWith(base, (s) => {
    s.components = ["kube-controller-manager"];
    s.controllerManager = { ...s.controllerManager, securePort: 10252, extraArgs };
  });

const verify = suite("planNode: verify.sh checks the effective address and port");

verify("should check each node's own IP and securePort without overrides", () => {
  const c = withArgs({});
  for (const n of c.nodes) assert.equal(checked(c, n), { host: n.ip, port: "10252" }, n.name);
});

verify("should check the port of an extraArgs secure-port, not securePort", () => {
  const c = withArgs({ "secure-port": "10300" });
  for (const n of c.nodes) {
    assert.equal(checked(c, n), { host: n.ip, port: "10300" }, n.name);
    assert.is(flagOf(c, n, "secure-port"), "10300", "the unit agrees");
  }
});

verify("should check the address of an extraArgs bind-address", () => {
  const c = withArgs({ "bind-address": "127.0.0.1", "secure-port": "10257" });
  for (const n of c.nodes) assert.equal(checked(c, n), { host: "127.0.0.1", port: "10257" }, n.name);
});

verify("should check the node IP when the unit binds every address (0.0.0.0, ::)", () => {
  const v4 = withArgs({ "bind-address": "0.0.0.0" });
  for (const n of v4.nodes) assert.is(checked(v4, n).host, n.ip, n.name);
  const v6 = withArgs({ "bind-address": "::" }, "spec/valid-ipv6.json");
  for (const n of v6.nodes) assert.is(checked(v6, n).host, n.ip, n.name);
  assert.is(checked(v6, v6.nodes[1]!).host, "2001:db8::2");
});

verify("should fall back to kube-controller-manager's defaults when extraArgs removes the flags", () => {
  const c = withArgs({ "secure-port": null, "bind-address": null });
  for (const n of c.nodes) {
    assert.is(flagOf(c, n, "secure-port"), undefined);
    assert.equal(checked(c, n), { host: n.ip, port: "10257" }, n.name);
  }
});

verify("should check the guide's values for the guide's spec", () => {
  const c = loadFixture("valid-guide-1.16.json");
  assert.equal(checked(c, c.nodes[2]!), { host: "103.172.239.71", port: "10252" });
});

verify.run();
