// out/ansible, run for real: ansible-playbook on the generated inventory, each node a host on this machine
// (ansible_connection=local) with an install root and a work folder of its own, so install.sh runs with --root (files
// only, no service). First run, second run, a re-addressed node, a tampered bundle, --check, syntax check and lint.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { SHARED_FILES } from "../../src/components/layout.js";
import { componentsOf } from "../../src/components/registry.js";
import { groupName } from "../../src/plan/ansible-plan.js";
import { cli } from "../helpers/cli.js";
import { snapshot } from "../helpers/snapshot.js";
import { hasTool, needTool, ROOT, tmp } from "../helpers/tools.js";

const EXAMPLE = JSON.parse(readFileSync(path.join(ROOT, "cluster.example.json"), "utf8"));
const NODES: string[] = EXAMPLE.nodes.map((n: { name: string }) => n.name);
const IDS = componentsOf({ spec: EXAMPLE }).map((k) => k.id);

/** Event: one host line of Ansible's default output, with the play and task it belongs to. */
interface Event {
  play: string;
  task: string;
  host: string;
  status: string;
}
interface Run {
  code: number | null;
  text: string;
  events: Event[];
  recap: Record<string, { ok: number; changed: number; failed: number }>;
}

const t = tmp("kubebundle-ansible-");
const out = path.join(t.dir, "out");
const specFile = path.join(t.dir, "cluster.json");
const rootOf = (node: string) => path.join(t.dir, "roots", node);
const workOf = (node: string) => path.join(t.dir, "work", node);

/** playbook: ansible-playbook on out/ansible with the test's per-host variables; its default output parsed. */
function playbook(...args: string[]): Run {
  const hosts = path.join(t.dir, "hosts.ini");
  const lines = NODES.map((n) => `${n} kubebundle_root=${rootOf(n)} kubebundle_work_dir=${workOf(n)}`);
  writeFileSync(hosts, `[kubebundle_nodes]\n${lines.join("\n")}\n[all:vars]\nansible_connection=local\nansible_python_interpreter=${pythonOf()}\nkubebundle_become=false\n`);
  const r = spawnSync("ansible-playbook", ["-i", path.join(out, "ansible/inventory.ini"), "-i", hosts, path.join(out, "ansible/site.yml"), ...args], {
    encoding: "utf8",
    timeout: 600_000,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_FORCE_COLOR: "0", ANSIBLE_STDOUT_CALLBACK: "default", ANSIBLE_LOCAL_TEMP: path.join(t.dir, "ansible-tmp"), ANSIBLE_HOME: path.join(t.dir, "ansible-home") },
  });
  const text = r.stdout + r.stderr;
  const events: Event[] = [];
  const recap: Run["recap"] = {};
  let play = "";
  let task = "";
  for (const line of text.split("\n")) {
    let m = /^PLAY \[(.*)\] \*+$/.exec(line);
    if (m) play = m[1]!;
    m = /^TASK \[(.*)\] \*+$/.exec(line);
    if (m) task = m[1]!;
    m = /^(ok|changed|skipping|fatal|failed): \[([^\]]+)\]/.exec(line);
    if (m) events.push({ play, task, host: m[2]!, status: m[1]! });
    m = /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(line);
    if (m) recap[m[1]!] = { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[4]) };
  }
  return { code: r.status, text, events, recap };
}

function pythonOf(): string {
  return hasTool("python3") ? spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() : "/usr/bin/python3";
}

/** installs: the "Install <id>" events, in output order: [id, host, status]. */
const installs = (r: Run) => r.events.filter((e) => e.task.startsWith("Install ")).map((e) => [e.task.slice("Install ".length), e.host, e.status] as const);

async function generate(spec: object): Promise<void> {
  writeFileSync(specFile, JSON.stringify(spec, null, 2));
  const r = await cli("generate", specFile, "--out", out, "--quiet");
  assert.is(r.code, 0, r.err);
}

/** rootsSnapshot: every install root, for "nothing changed" assertions. */
const rootsSnapshot = () => Object.fromEntries(NODES.map((n) => [n, snapshot(rootOf(n), { identity: true })]));

/** componentTargets: each component's target paths on a node (its files and the shared ones). */
const componentTargets = (spec: object) =>
  Object.fromEntries(componentsOf({ spec } as never).map((k) => [k.id, [...SHARED_FILES, ...k.files].map((r) => r.target({ spec } as never))]));

/** nodeFiles: target -> sha256 of every rootfs file of a node, from out/manifest.json. */
function nodeFiles(): Record<string, Record<string, string>> {
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  return Object.fromEntries(m.nodes.map((n: { name: string; files: { target: string | null; sha256: string }[] }) => [n.name, Object.fromEntries(n.files.filter((f) => f.target).map((f) => [f.target!, f.sha256]))]));
}

const test = suite("out/ansible with ansible-playbook");
const enabled = needTool("ansible-playbook", "the generated Ansible rollout");

test.before(async () => {
  for (const n of NODES) mkdirSync(rootOf(n), { recursive: true });
  await generate({ ...EXAMPLE, $schema: undefined });
});
test.after(() => t.cleanup());

test("the inventory has one host per node with its IP and a group per component", () => {
  const ini = readFileSync(path.join(out, "ansible/inventory.ini"), "utf8");
  for (const n of EXAMPLE.nodes) assert.ok(ini.includes(`\n${n.name} ansible_host=${n.ip}\n`), ini);
  for (const id of IDS) assert.ok(ini.includes(`\n[${groupName(id)}]\n${NODES.join("\n")}\n`), ini);
  if (!enabled) return;
  const r = spawnSync("ansible-inventory", ["-i", path.join(out, "ansible/inventory.ini"), "--list"], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const inv = JSON.parse(r.stdout);
  for (const id of IDS) assert.equal(inv[groupName(id)].hosts, NODES);
  assert.is(inv._meta.hostvars[NODES[0]!].ansible_host, EXAMPLE.nodes[0].ip);
});

test("--syntax-check passes, and so does ansible-lint (production profile) when installed", () => {
  if (!enabled) return;
  const syntax = spawnSync("ansible-playbook", ["-i", path.join(out, "ansible/inventory.ini"), path.join(out, "ansible/site.yml"), "--syntax-check"], { encoding: "utf8" });
  assert.is(syntax.status, 0, syntax.stdout + syntax.stderr);
  if (!needTool("ansible-lint", "lint of the generated playbook")) return;
  const lint = spawnSync("ansible-lint", ["--offline", "--nocolor", "-p", "site.yml"], {
    cwd: path.join(out, "ansible"),
    encoding: "utf8",
    env: { ...process.env, HOME: t.dir, ANSIBLE_HOME: path.join(t.dir, "ansible-home") },
  });
  assert.is(lint.status, 0, lint.stdout + lint.stderr);
});

test("first run: every node's files under its root, component by component in registry order, changed > 0", () => {
  if (!enabled) return;
  const r = playbook();
  assert.is(r.code, 0, r.text);
  // The order: every host of one component before any host of the next, in registry (rollout) order.
  const order = installs(r);
  assert.equal(order, IDS.flatMap((id) => NODES.map((n) => [id, n, "changed"] as const)));
  for (const n of NODES) assert.ok(r.recap[n]!.changed > 0, JSON.stringify(r.recap));
  // Each root holds exactly what the manifest says, byte for byte.
  const files = nodeFiles();
  for (const n of NODES) {
    const snap = snapshot(rootOf(n));
    for (const [target, sha] of Object.entries(files[n]!)) assert.ok(snap[target.slice(1)]?.endsWith(sha), `${n}: ${target}`);
  }
});

test("second run: changed=0 for every host", () => {
  if (!enabled) return;
  const r = playbook();
  assert.is(r.code, 0, r.text);
  for (const n of NODES) assert.is(r.recap[n]!.changed, 0, `${n}: ${JSON.stringify(r.recap[n])}\n${r.text}`);
  assert.ok(installs(r).every(([, , s]) => s === "ok"));
});

test("--check after a node's new IP: install.sh --dry-run says what would change, and nothing under any root changes", async () => {
  if (!enabled) return;
  const before = nodeFiles();
  const moved = structuredClone(EXAMPLE);
  delete moved.$schema;
  moved.nodes[1].ip = "103.172.238.95";
  await generate(moved);
  const roots = rootsSnapshot();
  const r = playbook("--check");
  assert.is(r.code, 0, r.text);
  assert.equal(rootsSnapshot(), roots);
  // The components that would change are those whose files differ on that host.
  const after = nodeFiles();
  const targets = componentTargets(moved);
  const expected = IDS.flatMap((id) => NODES.map((n) => [id, n, targets[id]!.some((f) => before[n]![f] !== after[n]![f]) ? "changed" : "ok"] as const));
  assert.equal(installs(r), expected);
  assert.ok(expected.some(([, , s]) => s === "changed"), "the new IP changes something");
});

test("a change of one node's IP: only the hosts and components whose files changed report changed", () => {
  if (!enabled) return;
  // out/ already holds the re-addressed spec's bundles (previous test); the roots still hold the old files.
  const installed = Object.fromEntries(NODES.map((n) => [n, snapshot(rootOf(n))]));
  const after = nodeFiles();
  const targets = componentTargets({ ...EXAMPLE });
  const differs = (n: string, id: string) => targets[id]!.some((f) => !installed[n]![f.slice(1)]?.endsWith(after[n]![f]!));
  const r = playbook();
  assert.is(r.code, 0, r.text);
  const expected = IDS.flatMap((id) => NODES.map((n) => [id, n, differs(n, id) ? "changed" : "ok"] as const));
  assert.equal(installs(r), expected);
  assert.ok(expected.some(([, , s]) => s === "ok") && expected.some(([, , s]) => s === "changed"), JSON.stringify(expected));
  for (const n of NODES) {
    const changedHere = expected.some(([, h, s]) => h === n && s === "changed");
    if (!changedHere) assert.is(r.recap[n]!.changed, 0, `${n} did not change: ${r.text}`);
  }
});

test("a tampered bundle (one byte) stops the play on that host before anything is installed", () => {
  if (!enabled) return;
  const node = NODES[2]!;
  const bundle = path.join(out, "bundles", `${node}.tar.gz`);
  const good = path.join(t.dir, "good.tar.gz");
  copyFileSync(bundle, good);
  const bytes = readFileSync(bundle);
  const at = Math.floor(bytes.length / 2);
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
  writeFileSync(bundle, bytes);
  const roots = rootsSnapshot();
  try {
    const r = playbook();
    assert.is.not(r.code, 0, r.text);
    const fatal = r.events.filter((e) => e.status === "fatal" || e.status === "failed");
    assert.equal(fatal.map((e) => [e.task, e.host]), [["Refuse a bundle that does not match manifest.json", node]]);
    assert.ok(r.text.includes("nothing was installed on this host"), r.text);
    assert.equal(installs(r), []);
    assert.equal(rootsSnapshot(), roots);
  } finally {
    copyFileSync(good, bundle);
  }
});

test.run();
