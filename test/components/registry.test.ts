// The registry's invariants: what every stage relies on when it reads the rows.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SUPPORTED_ETCD } from "../../src/components/etcd/release.js";
import { COMPONENT_IDS, REGISTRY, nodeFiles } from "../../src/components/registry.js";
import { SHARED_FILES, unitPath, workingDir } from "../../src/components/layout.js";
import { parseVersion, supportedMinors } from "../../src/components/release.js";
import { CERTS } from "../../src/pki/certlist.js";
import { clusterSchema } from "../../src/spec/schema.js";

const test = suite("the component registry");
const PATHS = { spec: { paths: { binDir: "/opt/k8s/bin", certDir: "/etc/kubernetes/cert", configDir: "/etc/kubernetes", dataDir: "/data/k8s/k8s" } } };

test("should name each component once, and be what the schema's `components` takes, in the same order", () => {
  assert.equal(new Set(COMPONENT_IDS).size, COMPONENT_IDS.length);
  assert.equal(clusterSchema.properties.components.items.enum, [...COMPONENT_IDS]);
  assert.equal(clusterSchema.properties.components.default, [...COMPONENT_IDS]);
  for (const k of REGISTRY) assert.ok(clusterSchema.properties[k.section], `${k.id}: spec section ${k.section}`);
});

test("should give every file a unique id and target across all components and the shared files", () => {
  const rows = nodeFiles(REGISTRY);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, "file ids");
  const targets = rows.map((r) => r.target(PATHS));
  assert.equal(new Set(targets).size, targets.length, "targets");
  for (const t of targets) assert.ok(t.startsWith("/"), t);
});

test("should refer only to certificate rows that exist, CAs first, and to files that exist", () => {
  const ids = CERTS.map((r) => r.id);
  CERTS.forEach((r, i) => {
    if (r.caId !== null) assert.ok(ids.indexOf(r.caId) >= 0 && ids.indexOf(r.caId) < i, `${r.id}: its CA ${r.caId} comes first`);
  });
  for (const row of nodeFiles(REGISTRY)) {
    const c = row.content;
    if (c.from === "pem" || c.from === "kubeconfig") assert.ok(ids.includes(c.cert), `${row.id}: certificate row ${c.cert}`);
  }
  for (const k of REGISTRY) {
    const own = new Set([...SHARED_FILES, ...k.files].map((r) => r.id));
    for (const [what, id] of Object.entries(k.verifyFiles)) assert.ok(own.has(id), `${k.id}: verify's ${what} file ${id}`);
    assert.ok(k.files.some((r) => r.content.from === "unit" && r.target(PATHS) === unitPath(k.id)), `${k.id}: its unit at ${unitPath(k.id)}`);
    assert.ok(k.files.some((r) => r.content.from === "verify" && r.target(PATHS).startsWith(`${workingDir(PATHS, k.id)}/`)), `${k.id}: verify.sh in its working dir`);
  }
});

test("should hold flag tables whose releases are well-formed: since < until < removedIn, inside the supported range", () => {
  const minors = supportedMinors();
  const [k8sFirst, k8sLast] = [minors[0]!, minors.at(-1)!];
  for (const k of REGISTRY) {
    // etcd's table is keyed by etcd releases (3.4-3.6, removals up to 3.7), the others' by Kubernetes minors.
    const [first, last] = k.flags.release ? [SUPPORTED_ETCD.min, SUPPORTED_ETCD.max] : [k8sFirst, k8sLast];
    const names = k.flags.flags.map((r) => r.flag);
    assert.equal(new Set(names).size, names.length, `${k.id}: flags unique`);
    for (const r of k.flags.flags) {
      const at = (v: string | undefined) => (v === undefined ? undefined : parseVersion(v));
      const [since, until, removed] = [at(r.since), at(r.until), at(r.removedIn)];
      for (const v of [since, until, removed]) if (v) assert.ok(v.minor >= first.minor && v.minor <= last.minor + 1, `${k.id} --${r.flag}: release in range`);
      if (since && removed) assert.ok(since.minor < removed.minor, `${k.id} --${r.flag}: since before removedIn`);
      if (until && removed) assert.ok(until.minor < removed.minor, `${k.id} --${r.flag}: until before removedIn`);
      if (since && until) assert.ok(since.minor <= until.minor, `${k.id} --${r.flag}: since before until`);
      if (r.replacedBy) assert.ok(names.includes(r.replacedBy), `${k.id} --${r.flag}: replacement --${r.replacedBy} is a row`);
    }
    assert.equal(k.flags.section, k.section, `${k.id}: flag table reads its own section's extraArgs`);
  }
});

test.run();
