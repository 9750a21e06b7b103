// Specs for plan tests: a fixture with one change, written to a temporary file and loaded for real.
import { readFileSync, writeFileSync } from "node:fs";
import type { Secrets } from "../../src/components/component.js";
import path from "node:path";
import { loadSpec } from "../../src/spec/load.js";
import type { Cluster } from "../../src/spec/cluster.js";
import type { PemPair } from "../../src/plan/node-plan.js";
import { ROOT, tmp } from "../helpers/tools.js";

/** fixturePath: a spec fixture under test/fixtures ("spec/valid-minimal.json", "valid-guide-1.16.json"). */
export const fixturePath = (name: string) => path.join(ROOT, "test/fixtures", name);

/** loadFixture: the Cluster of a spec fixture as the loader builds it. */
export const loadFixture = (name: string): Cluster => clusterWith(name, () => {});

/** clusterWith: the fixture `base` changed by `change`, loaded through loadSpec (so it must be valid). */
export function clusterWith(base: string, change: (spec: any) => void): Cluster {
  // kube-controller-manager only, unless the change says otherwise: the plan tests follow that component's files.
  const spec = { components: ["kube-controller-manager"], ...JSON.parse(readFileSync(fixturePath(base), "utf8")) };
  change(spec);
  const t = tmp("kubebundle-plan-");
  try {
    const file = path.join(t.dir, "cluster.json");
    writeFileSync(file, JSON.stringify(spec, null, 2));
    return loadSpec(file).cluster;
  } finally {
    t.cleanup();
  }
}

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${Buffer.from(body).toString("base64")}\n-----END ${label}-----\n`;

/** SECRETS: stand-in secrets for planNode (a fixed 32-byte encryption key, text for the service-account pair). */
export const SECRETS: Secrets = {
  encryptionKey: Buffer.alloc(32, 7).toString("base64"),
  previousProviders: [],
  serviceAccount: { keyPem: "-----BEGIN PRIVATE KEY-----\nsa\n-----END PRIVATE KEY-----\n", pubPem: "-----BEGIN PUBLIC KEY-----\nsa\n-----END PUBLIC KEY-----\n" },
};

/** PEMS: distinct stand-in PEM texts (the plan embeds them without parsing). */
export const PEMS: Record<"ca" | "kube-controller-manager" | "admin", PemPair> = {
  ca: { cert: pem("CERTIFICATE", "stand-in ca certificate"), key: pem("PRIVATE KEY", "stand-in ca key") },
  "kube-controller-manager": { cert: pem("CERTIFICATE", "stand-in kcm certificate"), key: pem("PRIVATE KEY", "stand-in kcm key") },
  admin: { cert: pem("CERTIFICATE", "stand-in admin certificate"), key: pem("PRIVATE KEY", "stand-in admin key") },
};
