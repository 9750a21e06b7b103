// The encryption configuration and the audit policy, written as YAML the way the plan writes configuration files, parsed
// back with `yaml` and checked for their apiVersion, kind and keys.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parse, stringify } from "yaml";
import { randomBytes } from "node:crypto";
import { AUDIT_RULES, ENCRYPTION_PROVIDERS, auditPolicy, encryptionConfig, type EncryptionProvider } from "../../../src/components/kube-apiserver/config.js";

const roundTrip = (o: object) => parse(stringify(o, { lineWidth: 0 }));

const enc = suite("encryption-config.yaml");

enc("should encrypt Secrets with the chosen provider and key1, then identity, for every provider", () => {
  const key = randomBytes(32).toString("base64");
  for (const provider of Object.keys(ENCRYPTION_PROVIDERS) as EncryptionProvider[]) {
    const doc = roundTrip(encryptionConfig(provider, key));
    assert.is(doc.apiVersion, "apiserver.config.k8s.io/v1");
    assert.is(doc.kind, "EncryptionConfiguration");
    assert.is(doc.resources.length, 1);
    assert.equal(doc.resources[0].resources, ["secrets"]);
    assert.equal(doc.resources[0].providers, [{ [provider]: { keys: [{ name: "key1", secret: key }] } }, { identity: {} }], provider);
    assert.is(Buffer.from(doc.resources[0].providers[0][provider].keys[0].secret, "base64").length, 32);
    assert.ok((ENCRYPTION_PROVIDERS[provider].keyBytes as readonly number[]).includes(32), `${provider} takes a 32-byte key`);
  }
});

enc("should refuse a key that is not 32 bytes of canonical base64", () => {
  for (const bad of [randomBytes(16).toString("base64"), "not base64!", `${randomBytes(32).toString("base64")}\n`]) {
    assert.throws(() => encryptionConfig("aescbc", bad), /32 bytes in base64/);
  }
});

const audit = suite("audit-policy.yaml");

audit("should be an audit.k8s.io/v1 Policy with the guide's rules in its order", () => {
  const doc = roundTrip(auditPolicy());
  assert.is(doc.apiVersion, "audit.k8s.io/v1");
  assert.is(doc.kind, "Policy");
  assert.is(doc.rules.length, 14);
  assert.equal(
    doc.rules.map((r: { level: string }) => r.level),
    ["None", "None", "None", "None", "None", "None", "None", "Request", "Request", "Request", "Metadata", "Request", "RequestResponse", "Metadata"],
  );
  assert.equal(doc.rules[0], { level: "None", resources: [{ group: "", resources: ["endpoints", "services", "services/status"] }], users: ["system:kube-proxy"], verbs: ["watch"] });
  assert.equal(doc.rules[5], { level: "None", nonResourceURLs: ["/healthz*", "/version", "/swagger*"] });
  assert.equal(doc.rules[10].resources, [{ group: "", resources: ["secrets", "configmaps"] }, { group: "authentication.k8s.io", resources: ["tokenreviews"] }]);
  assert.equal(doc.rules[13], { level: "Metadata", omitStages: ["RequestReceived"] });
  for (const r of doc.rules.slice(7)) assert.equal(r.omitStages, ["RequestReceived"], "every logged level omits RequestReceived");
  const groups = doc.rules[12].resources.map((g: { group: string }) => g.group);
  assert.is(groups.length, 18);
  assert.is(groups[0], "", "the core group first");
  assert.equal(doc.rules[11].verbs, ["get", "list", "watch"]);
  assert.is(doc.rules.length, AUDIT_RULES.length);
});

enc.run();
audit.run();
