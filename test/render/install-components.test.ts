// install.sh per component, on the bundles `generate` writes for the example: --only, --json, the binary check,
// the node-IP warning and --uninstall, run for real under --root (or as --dry-run on /, which changes nothing).
import { spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { componentsOf } from "../../src/components/registry.js";
import { cli } from "../helpers/cli.js";
import { ROOT, tmp } from "../helpers/tools.js";

const NODE = "idc-k8s-01";
const EXAMPLE = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));
const IDS = componentsOf({ spec: EXAMPLE }).map((k) => k.id);

interface Files {
  added: string[];
  changed: string[];
  unchanged: string[];
  removed: string[];
  kept: string[];
}
interface ComponentResult {
  unit: string;
  changed: boolean;
  files: Files;
  dirsCreated: string[];
  backups: string[];
  restarted?: boolean;
  stopped?: boolean;
  active: string | null;
}
interface Result {
  ok: boolean;
  node: string;
  root: string;
  dryRun: boolean;
  uninstall: boolean;
  changed: boolean;
  components: Record<string, ComponentResult>;
  error?: string;
}

const t = tmp("kubebundle-install-components-");
const out = path.join(t.dir, "out");
const bundle = path.join(out, "nodes", NODE);
const script = path.join(bundle, "install.sh");

function sh(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(script, args, { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** json: install.sh with --json; stdout must be exactly one JSON object (and a newline). */
function json(args: string[], code = 0): Result {
  const r = sh([...args, "--json"]);
  assert.is(r.code, code, r.stderr);
  assert.ok(r.stdout.endsWith("}\n") && r.stdout.trim().split("\n").length === 1, `stdout is not one JSON line: ${r.stdout}`);
  return JSON.parse(r.stdout) as Result;
}

/** filesOf: every file install.sh reported for component `id`, whatever happened to it. */
function filesOf(r: Result, id: string): string[] {
  const f = r.components[id]!.files;
  return [...f.added, ...f.changed, ...f.unchanged, ...f.removed, ...f.kept];
}

function freshRoot(name: string): string {
  const root = path.join(t.dir, name);
  mkdirSync(root, { recursive: true });
  return root;
}

const test = suite("install.sh per component (--only, --json, --uninstall)");

test.before(async () => {
  const r = await cli("generate", path.join(ROOT, "cluster.example.json"), "--out", out, "--quiet");
  assert.is(r.code, 0, r.err);
});
test.after(() => t.cleanup());

test("--only installs one component's files and the shared ones, and --json says what it did", () => {
  assert.ok(IDS.length >= 2, "the example generates several components");
  const [first, second] = [IDS[0]!, IDS[1]!];
  const root = freshRoot("only");
  const one = json(["--root", root, "--only", second]);
  assert.equal(Object.keys(one.components), [second]);
  assert.ok(one.ok && one.changed && !one.dryRun && one.root === root);
  const mine = one.components[second]!;
  assert.ok(mine.changed && mine.files.added.length > 0 && mine.files.changed.length === 0 && mine.active === null);
  for (const f of mine.files.added) assert.ok(existsSync(root + f), f);
  // The other component's own files are not there; the shared CA certificate is.
  const all = json(["--root", freshRoot("probe"), "--dry-run"]);
  const shared = filesOf(all, first).filter((f) => filesOf(all, second).includes(f));
  assert.ok(shared.some((f) => f.endsWith("/ca.pem")), shared.join(" "));
  for (const f of filesOf(all, first)) assert.is(existsSync(root + f), shared.includes(f), f);
  // A second run of the same changes nothing and still exits 0.
  const again = json(["--root", root, "--only", second]);
  assert.is(again.changed, false);
  assert.equal(again.components[second]!.files.unchanged.sort(), [...mine.files.added].sort());
  // Then everything: the first component's files are added, the second's are unchanged.
  const rest = json(["--root", root]);
  assert.equal(Object.keys(rest.components), IDS);
  assert.ok(rest.components[first]!.changed);
  assert.is(rest.components[second]!.changed, false);
  assert.ok(rest.components[first]!.files.unchanged.every((f) => shared.includes(f)));
});

test("--json reports a replaced file with its backup, and a refusal as JSON with exit 1", () => {
  const root = freshRoot("backup");
  json(["--root", root]);
  const id = IDS[0]!;
  const all = json(["--root", root]);
  const target = filesOf(all, id).find((f) => f.endsWith(".service"))!;
  appendFileSync(root + target, "# edited on the node\n");
  const r = json(["--root", root]);
  assert.equal(r.components[id]!.files.changed, [target]);
  assert.is(r.components[id]!.backups.length, 1);
  assert.ok(readFileSync(r.components[id]!.backups[0]!, "utf8").endsWith("# edited on the node\n"));
  assert.ok(r.components[id]!.backups[0]!.startsWith(`${root}/var/backups/kubebundle/`));
  // A tampered bundle: refused before anything, and the JSON says so.
  const copy = path.join(t.dir, "tampered");
  spawnSync("cp", ["-a", bundle, copy]);
  appendFileSync(path.join(copy, "rootfs", target), "x");
  const bad = spawnSync(path.join(copy, "install.sh"), ["--root", freshRoot("tampered-root"), "--json"], { encoding: "utf8" });
  assert.is(bad.status, 1);
  const err = JSON.parse(bad.stdout) as Result;
  assert.is(err.ok, false);
  assert.match(err.error!, /SHA256SUMS/);
});

test("--only with an unknown component is a usage error (exit 2) that names the bundle's components", () => {
  const r = sh(["--root", freshRoot("unknown"), "--only", `${IDS[0]},no-such-thing`]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /unknown component 'no-such-thing'/);
  for (const id of IDS) assert.ok(r.stderr.includes(id), r.stderr);
});

test("a missing binary: an error before anything is touched, unless --no-start (then a warning); none when it is there", () => {
  const binDir = EXAMPLE.paths.binDir as string;
  const id = IDS[0]!;
  const bin = path.join(binDir, componentsOf({ spec: EXAMPLE }).find((k) => k.id === id)!.binary);
  if (process.getuid?.() === 0 && !existsSync(bin)) {
    // On / (as root), as a dry run: refused, naming the binary.
    const r = sh(["--dry-run", "--only", id]);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`${id}: its binary ${bin} is missing or not executable`), r.stderr);
    assert.match(r.stderr, /nothing was installed or changed/);
    const warned = sh(["--dry-run", "--no-start", "--only", id]);
    assert.is(warned.code, 0, warned.stderr);
    assert.ok(warned.stderr.includes(`warning: ${id}: its binary ${bin} is missing`), warned.stderr);
  } else {
    console.log(`\n  !!! skipped: the on-/ part of the binary check needs root and no ${bin} on this machine\n`);
  }
  // Under --root: a warning while it is missing, nothing once it is there.
  const root = freshRoot("binary");
  assert.ok(sh(["--root", root, "--only", id]).stderr.includes(`warning: ${id}: its binary ${root}${bin} is missing`));
  mkdirSync(root + binDir, { recursive: true });
  writeFileSync(root + bin, "#!/bin/sh\n");
  chmodSync(root + bin, 0o755);
  const quiet = sh(["--root", root, "--only", id]);
  assert.is(quiet.code, 0, quiet.stderr);
  assert.not.match(quiet.stderr, /its binary/);
});

test("warns when the node's IP is on no interface of this host", () => {
  const ip = EXAMPLE.nodes[0].ip as string;
  const local = spawnSync("sh", ["-c", "ip -o addr show 2>/dev/null || hostname -I"], { encoding: "utf8" }).stdout;
  if (local.includes(ip)) return console.log(`\n  !!! skipped: ${ip} is an address of this host\n`);
  const r = sh(["--root", freshRoot("ip"), "--dry-run"]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(`warning: ${ip} (node ${NODE}) is not an address of any interface of this host`), r.stderr);
});

test("--uninstall --only removes that component's files, keeps shared files another installed component reads, the dirs and the backups", () => {
  const root = freshRoot("uninstall");
  const all = json(["--root", root]);
  const [first, second] = [IDS[0]!, IDS[1]!];
  const own = (id: string) => filesOf(all, id).filter((f) => IDS.filter((o) => o !== id).every((o) => !filesOf(all, o).includes(f)));
  // Files of the second component that another installed one reads too (every component is installed here).
  const shared = filesOf(all, second).filter((f) => IDS.some((o) => o !== second && filesOf(all, o).includes(f)));
  // An edited file of the second component: kept (it is not what this bundle installed).
  const edited = own(second).find((f) => f.endsWith(".kubeconfig") || f.endsWith(".yaml"))!;
  appendFileSync(root + edited, "# local edit\n");
  // A replaced file of the first component leaves a backup, which uninstall keeps.
  const unitFile = own(first).find((f) => f.endsWith(".service"))!;
  appendFileSync(root + unitFile, "# drift\n");
  assert.is(json(["--root", root, "--only", first]).components[first]!.backups.length, 1);
  const dry = json(["--root", root, "--uninstall", "--only", second, "--dry-run"]);
  assert.ok(dry.dryRun && dry.uninstall);
  for (const f of own(second)) assert.ok(existsSync(root + f), `dry run removed ${f}`);
  const r = sh(["--root", root, "--uninstall", "--only", second, "--json"]);
  assert.is(r.code, 0, r.stderr);
  const u = JSON.parse(r.stdout) as Result;
  assert.equal(Object.keys(u.components), [second]);
  const res = u.components[second]!;
  assert.equal(res.files.removed.sort(), own(second).filter((f) => f !== edited).sort());
  assert.equal(res.files.kept.sort(), [...shared, edited].sort());
  for (const f of res.files.removed) assert.not.ok(existsSync(root + f), f);
  for (const f of [...shared, edited, ...own(first)]) assert.ok(existsSync(root + f), f);
  assert.match(r.stderr, /kept .*\(data and working dirs are never removed\)/);
  assert.ok(r.stderr.includes(`kept ${root}/var/backups/kubebundle (backups)`), r.stderr);
  // Then the rest: the shared files go too; the working dirs stay.
  const rest = json(["--root", root, "--uninstall"]);
  for (const f of [...own(first), ...shared]) assert.not.ok(existsSync(root + f), f);
  assert.ok(rest.components[first]!.files.removed.length > 0);
  for (const d of all.components[first]!.dirsCreated) assert.ok(existsSync(root + d), d);
  // Nothing left to remove: a no-op that still succeeds.
  const none = json(["--root", root, "--uninstall"]);
  assert.is(none.changed, false);
});

test.run();
