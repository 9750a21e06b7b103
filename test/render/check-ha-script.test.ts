import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { UNIT_NAME } from "../helpers/components.js";
import { handoverTimeoutSeconds, renderCheckHaScript, type CheckHaApiserver, type CheckHaComponent, type CheckHaScriptInput } from "../../src/render/check-ha-script.js";
import { shellQuote } from "../../src/render/install-script.js";
import { issue, realDeps, rowById, type CertRow, type Issued } from "../../src/pki/index.js";
import { buildDn } from "../../src/pki/x509/x500.js";
import { loadSpec } from "../../src/spec/load.js";
import { needTool, ROOT, tmp } from "../helpers/tools.js";

const FIXTURES = path.join(ROOT, "test/fixtures/ha");
const GUIDE_NODES = [
  { name: "idc-k8s-01", ip: "103.172.239.9" },
  { name: "idc-k8s-02", ip: "103.172.238.94" },
  { name: "idc-k8s-03", ip: "103.172.239.71" },
];
const OLD_HOLDER = "idc-k8s-01_adbda074-c882-46f1-8267-f2e7eee4c941";
const NEW_HOLDER = "idc-k8s-02_1cf03fd6-fc2c-4519-9ce9-71e3c0cd0214";
// kube-scheduler's leader in the two-component tests: idc-k8s-03, handing over to idc-k8s-01.
const SCHED_OLD_HOLDER = "idc-k8s-03_5e0a41c2-8d7b-4f0e-9a63-0b6f2d1c7e58";
const SCHED_NEW_HOLDER = "idc-k8s-01_c3b9e7d0-42f1-4a8e-b5d6-9e1f0a2b3c47";
const KCM = "kube-controller-manager";
const SCHED = "kube-scheduler";
const SCHED_UNIT = "kube-scheduler.service";
type Lock = CheckHaComponent["leaderLock"];

/** component: a row of the components list, with kube-controller-manager's default leader-election timing. */
function component(id: string, lock: Lock, over: Partial<CheckHaComponent> = {}): CheckHaComponent {
  return { id, unitName: `${id}.service`, leaderLock: lock, leaseDurationSeconds: 15, retryPeriodSeconds: 2, ...over };
}

/** inputFor: the single-component input (kube-controller-manager), as kubebundle renders it today. */
function inputFor(lock: Lock, over: Partial<CheckHaScriptInput> = {}, kcm: Partial<CheckHaComponent> = {}): CheckHaScriptInput {
  return {
    nodes: GUIDE_NODES,
    components: [component(KCM, lock, { unitName: UNIT_NAME, ...kcm })],
    kubeconfig: "admin/admin.kubeconfig",
    version: "0.0.0-test",
    ...over,
  };
}

/** TWO: kube-controller-manager with a Lease (handover wait 24 s) and kube-scheduler with the Endpoints annotation
 *  of an old release and a longer lease (20 s + 2 x 3 s + 5 s = 31 s). */
const TWO: CheckHaComponent[] = [component(KCM, "lease"), component(SCHED, "endpoints", { leaseDurationSeconds: 20, retryPeriodSeconds: 3 })];

// --- stand-ins on PATH: `kubectl` replays the recorded lock objects, `ssh` records its calls ---
//
// kubectl serves STANDIN_FIXTURES/<name>/<kind>-before.json for the object <name> until ssh has
// stopped <name>.service and the object has been read STANDIN_DELAY_READS more times, then
// <kind>-after.json (STANDIN_MODE=handover), or -before.json for ever (STANDIN_MODE=stuck, or <name>
// in the comma list STANDIN_STUCK). setup() fills STANDIN_FIXTURES from test/fixtures/ha (recorded
// for kube-controller-manager) and derives kube-scheduler's objects from them. kubectl evaluates
// `-o jsonpath=` templates: field paths with `\.` inside keys and quoted literals, which is what
// check-ha.sh uses; a test compares the results with the real kubectl's.

const KUBECTL_STANDIN = String.raw`#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const env = process.env;
const args = process.argv.slice(2);
fs.appendFileSync(env.STANDIN_KUBECTL_LOG, JSON.stringify(args) + "\n");

function jsonpath(tpl, obj) {
  let out = "";
  for (let i = 0; i < tpl.length; ) {
    if (tpl[i] !== "{") { out += tpl[i++]; continue; }
    let end = i + 1, quoted = false;
    for (; end < tpl.length && (quoted || tpl[end] !== "}"); end++) {
      if (tpl[end] === "\\") end++;
      else if (tpl[end] === '"') quoted = !quoted;
    }
    const expr = tpl.slice(i + 1, end);
    i = end + 1;
    if (expr.startsWith('"')) { out += JSON.parse(expr); continue; }
    if (!expr.startsWith(".")) { console.error("stand-in kubectl: unsupported jsonpath " + expr); process.exit(3); }
    let v = obj;
    for (const k of expr.slice(1).split(/(?<!\\)\./)) v = v == null ? undefined : v[k.replace(/\\\./g, ".")];
    if (v !== undefined && v !== null) out += typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

const get = args.indexOf("get");
const kind = get >= 0 ? args[get + 1] : "";
const ns = args.indexOf("--namespace");
const name = ns >= 0 ? args[ns + 2] : "";
let output = "";
args.forEach((a, i) => {
  if (a === "-o" || a === "--output") output = args[i + 1];
  else if (a.startsWith("-o=") || a.startsWith("--output=")) output = a.slice(a.indexOf("=") + 1);
});
const state = fs.existsSync(env.STANDIN_STATE) ? fs.readFileSync(env.STANDIN_STATE, "utf8") : "";
const stopped = state.split("\n").some((l) => l.split(" ")[0] === "stop" && l.split(" ")[2] === name + ".service");
const stuck = env.STANDIN_MODE === "stuck" || (env.STANDIN_STUCK || "").split(",").includes(name);
let phase = "before";
if (stopped && !stuck) {
  const counter = env.STANDIN_STATE + ".reads." + name;
  const reads = fs.existsSync(counter) ? Number(fs.readFileSync(counter, "utf8")) + 1 : 1;
  fs.writeFileSync(counter, String(reads));
  if (reads > Number(env.STANDIN_DELAY_READS || 0)) phase = "after";
}
const file = path.join(env.STANDIN_FIXTURES, name, kind + "-" + phase + ".json");
const plural = kind === "lease" ? "leases.coordination.k8s.io" : kind;
if (!fs.existsSync(file)) {
  console.error("Error from server (NotFound): " + plural + ' "' + name + '" not found');
  process.exit(1);
}
const obj = JSON.parse(fs.readFileSync(file, "utf8"));
process.stdout.write(output.startsWith("jsonpath=") ? jsonpath(output.slice(9), obj) : JSON.stringify(obj, null, 4) + "\n");
`;

const SSH_STANDIN = String.raw`#!/usr/bin/env node
const fs = require("fs");
const env = process.env;
const args = process.argv.slice(2);
fs.appendFileSync(env.STANDIN_SSH_LOG, JSON.stringify(args) + "\n");
const at = args.indexOf("systemctl");
const action = at >= 0 ? args[at + 1] : "";
const unit = at >= 0 ? args[at + 2] : "";
const dest = args.find((a) => a.includes("@"));
if (action === "stop" || action === "start") fs.appendFileSync(env.STANDIN_STATE, action + " " + dest + " " + unit + "\n");
// STANDIN_SSH_FAIL: "start" fails every start, "start kube-scheduler.service" only that unit's.
if (env.STANDIN_SSH_FAIL === action || env.STANDIN_SSH_FAIL === action + " " + unit) { console.error("ssh: connect to host: Connection timed out"); process.exit(255); }
`;

interface Ha {
  dir: string;
  script: string;
  kubeconfig: string;
  env: Record<string, string>;
  kubectlCalls(): string[][];
  sshCalls(): string[][];
  cleanup(): void;
}

/** A temp out/ folder (path with spaces) holding check-ha.sh and admin/admin.kubeconfig, and the stand-ins. */
function setup(lock: Lock, over: Partial<CheckHaScriptInput> = {}): Ha {
  return setupInput(inputFor(lock, over));
}

/** fillFixtures: DIR/kube-controller-manager/ the recorded objects, DIR/kube-scheduler/ the same objects renamed,
 *  with kube-scheduler's own holders. */
function fillFixtures(dir: string): void {
  for (const id of [KCM, SCHED]) mkdirSync(path.join(dir, id), { recursive: true });
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
    const text = readFileSync(path.join(FIXTURES, file), "utf8");
    writeFileSync(path.join(dir, KCM, file), text);
    writeFileSync(path.join(dir, SCHED, file), text.replaceAll(KCM, SCHED).replaceAll(OLD_HOLDER, SCHED_OLD_HOLDER).replaceAll(NEW_HOLDER, SCHED_NEW_HOLDER));
  }
}

function setupInput(input: CheckHaScriptInput): Ha {
  const t = tmp();
  const dir = path.join(t.dir, "out dir");
  const bin = path.join(t.dir, "stand-ins");
  mkdirSync(path.join(dir, "admin"), { recursive: true });
  mkdirSync(bin);
  const kubeconfig = path.join(dir, "admin", "admin.kubeconfig");
  writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n", { mode: 0o600 });
  const script = path.join(dir, "check-ha.sh");
  writeFileSync(script, renderCheckHaScript(input), { mode: 0o755 });
  const fixtures = path.join(t.dir, "fixtures");
  fillFixtures(fixtures);
  writeFileSync(path.join(bin, "kubectl"), KUBECTL_STANDIN, { mode: 0o755 });
  writeFileSync(path.join(bin, "ssh"), SSH_STANDIN, { mode: 0o755 });
  const logs = { kubectl: path.join(t.dir, "kubectl.log"), ssh: path.join(t.dir, "ssh.log") };
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);
  return {
    dir,
    script,
    kubeconfig,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      STANDIN_KUBECTL_LOG: logs.kubectl,
      STANDIN_SSH_LOG: logs.ssh,
      STANDIN_STATE: path.join(t.dir, "state"),
      STANDIN_FIXTURES: fixtures,
      STANDIN_MODE: "handover",
    },
    kubectlCalls: () => read(logs.kubectl),
    sshCalls: () => read(logs.ssh),
    cleanup: t.cleanup,
  };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs check-ha.sh by its absolute path from / ; `onStart` gets the child (to send it a signal). */
function runAsync(h: Ha, args: string[], env: Record<string, string> = {}, onStart?: (c: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(h.script, args, { cwd: "/", env: { ...process.env, ...h.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - t0 });
    });
    onStart?.(child);
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.out}--- stderr\n${r.err}`;
const sshLine = (user: string, ip: string, action: string, opts: string[] = [], unit = UNIT_NAME) => [...opts, `${user}@${ip}`, ...(user === "root" ? [] : ["sudo", "-n"]), "systemctl", action, unit];

// --- the leader ---

const leader = suite("check-ha.sh leader");

leader("should print the Lease holder, its node, times and transitions (1.17+)", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, []);
    assert.is(r.code, 0, show(r));
    assert.is(
      r.out,
      [
        "component: kube-controller-manager",
        "lock: Lease kube-system/kube-controller-manager",
        `leader: idc-k8s-01 (103.172.239.9), holderIdentity ${OLD_HOLDER}`,
        "acquired: 2024-04-01T05:59:12.437829Z",
        "renewed: 2024-04-01T06:03:37.612845Z",
        "transitions: 0",
        "",
      ].join("\n"),
    );
    const calls = h.kubectlCalls();
    assert.is(calls.length, 1);
    assert.equal(calls[0]!.slice(0, 8), ["--kubeconfig", h.kubeconfig, "--request-timeout=5s", "get", "lease", "--namespace", "kube-system", "kube-controller-manager"]);
    assert.equal(h.sshCalls(), []);
  } finally {
    h.cleanup();
  }
});

leader("should print the Endpoints annotation's holder, its node, times and transitions (1.16)", async () => {
  const h = setup("endpoints");
  try {
    const r = await runAsync(h, []);
    assert.is(r.code, 0, show(r));
    assert.is(
      r.out,
      [
        "component: kube-controller-manager",
        "lock: Endpoints kube-system/kube-controller-manager, annotation control-plane.alpha.kubernetes.io/leader",
        `leader: idc-k8s-01 (103.172.239.9), holderIdentity ${OLD_HOLDER}`,
        "acquired: 2024-04-01T05:59:12Z",
        "renewed: 2024-04-01T06:03:37Z",
        "transitions: 0",
        "",
      ].join("\n"),
    );
    assert.equal(h.kubectlCalls()[0]!.slice(3, 8), ["get", "endpoints", "--namespace", "kube-system", "kube-controller-manager"]);
  } finally {
    h.cleanup();
  }
});

leader("should print one JSON document with --json, for both eras", async () => {
  for (const [lock, acquired] of [["lease", "2024-04-01T05:59:12.437829Z"], ["endpoints", "2024-04-01T05:59:12Z"]] as const) {
    const h = setup(lock);
    try {
      const r = await runAsync(h, ["--json"]);
      assert.is(r.code, 0, show(r));
      assert.equal(JSON.parse(r.out), {
        components: [
          {
            component: KCM,
            lock,
            leader: { holderIdentity: OLD_HOLDER, node: "idc-k8s-01", ip: "103.172.239.9", acquireTime: acquired, renewTime: lock === "lease" ? "2024-04-01T06:03:37.612845Z" : "2024-04-01T06:03:37Z", transitions: 0 },
          },
        ],
      });
      assert.match(r.err, "leader: idc-k8s-01");
    } finally {
      h.cleanup();
    }
  }
});

leader("should name a holder whose hostname is no node, and use --kubeconfig when given", async () => {
  const h = setup("lease", { nodes: [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-2", ip: "10.0.0.2" }] });
  try {
    const other = path.join(h.dir, "other.kubeconfig");
    writeFileSync(other, "apiVersion: v1\n");
    const r = await runAsync(h, ["--kubeconfig", other]);
    assert.is(r.code, 0, show(r));
    assert.match(r.out, `leader: holderIdentity ${OLD_HOLDER} (no node of this cluster is named idc-k8s-01)\n`);
    assert.equal(h.kubectlCalls()[0]!.slice(0, 2), ["--kubeconfig", other]);
  } finally {
    h.cleanup();
  }
});

leader("should match a holder's FQDN hostname to the node named by its first label", async () => {
  const h = setup("lease", { nodes: [{ name: "idc-k8s", ip: "10.0.0.9" }, { name: "idc-k8s-01", ip: "10.0.0.1" }] });
  try {
    // "idc-k8s" must not match "idc-k8s-01_...": only the whole hostname or its first label counts.
    const r = await runAsync(h, []);
    assert.match(r.out, `leader: idc-k8s-01 (10.0.0.1), holderIdentity ${OLD_HOLDER}\n`, show(r));
  } finally {
    h.cleanup();
  }
});

leader("should fail clearly when the lock object or the kubeconfig is missing, and refuse bad options", async () => {
  const h = setup("endpoints");
  try {
    const none = await runAsync(h, [], { STANDIN_FIXTURES: path.join(h.dir, "admin") });
    assert.is(none.code, 1, show(none));
    assert.match(none.err, 'cannot read the Endpoints kube-system/kube-controller-manager, annotation control-plane.alpha.kubernetes.io/leader: Error from server (NotFound): endpoints "kube-controller-manager" not found');
    const nokc = await runAsync(h, ["--kubeconfig", path.join(h.dir, "nope")]);
    assert.is(nokc.code, 1, show(nokc));
    assert.match(nokc.err, `cannot read the admin kubeconfig ${path.join(h.dir, "nope")}`);
    for (const [args, msg] of [
      [["--timeout", "soon"], "--timeout: not a number of seconds: soon"],
      [["--timeout", "0"], "--timeout: not a number of seconds: 0"],
      [["--ssh-opts", "-o 'ProxyCommand=x"], "--ssh-opts: unbalanced quotes"],
      [["--ssh-user", "root;reboot"], "--ssh-user: not a user name"],
      [["--kubeconfig"], "--kubeconfig needs a value"],
      [["--component"], "--component needs a value"],
      [["--component", SCHED], "--component: unknown component: kube-scheduler (known: kube-controller-manager)"],
      [["--component=kube-controller-manager,"], "--component: an empty component id in 'kube-controller-manager,' (known: kube-controller-manager)"],
      [["--bogus"], "unknown option: --bogus"],
    ] as const) {
      const r = await runAsync(h, ["--failover", ...args]);
      assert.is(r.code, 2, `${args.join(" ")}: ${show(r)}`);
      assert.match(r.err, msg);
    }
    assert.equal(h.sshCalls(), []);
  } finally {
    h.cleanup();
  }
});

leader("should document its options in --help with the computed timeout", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--help"]);
    assert.is(r.code, 0, show(r));
    for (const s of [
      "--failover",
      "--component",
      "--ssh-user",
      "--ssh-opts",
      "--timeout",
      "--kubeconfig",
      "--json",
      "  kube-controller-manager\n      lock: Lease kube-system/kube-controller-manager\n      --failover stops kube-controller-manager.service and waits at most --timeout\n      (default 24: lease duration 15s + 2 x retry period 2s + margin)\n",
      "admin/admin.kubeconfig beside this script",
    ]) {
      assert.match(r.out, s);
    }
  } finally {
    h.cleanup();
  }
});

// --- failover ---

const failover = suite("check-ha.sh --failover");

failover("should stop only the leader's node, report the new Lease holder and the handover time, and start it again", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--failover"], { STANDIN_DELAY_READS: "1" });
    assert.is(r.code, 0, show(r));
    assert.match(r.out, "stopping kube-controller-manager.service on the leader's node idc-k8s-01 (103.172.239.9) as root\n");
    assert.match(r.out, "waiting up to 24s for another node to take over\n");
    assert.match(r.out, `new leader: idc-k8s-02 (103.172.238.94), holderIdentity ${NEW_HOLDER}\n`);
    const took = /^handover took (\d+\.\d)s \(stop to new holder seen; acquired 2024-04-01T06:05:57\.118204Z, transitions 1\)$/m.exec(r.out);
    assert.ok(took, show(r));
    assert.ok(Number(took![1]) >= 1 && Number(took![1]) < 10, took![1]);
    assert.match(r.out, "started kube-controller-manager.service on idc-k8s-01 (103.172.239.9)\n");
    assert.equal(h.sshCalls(), [sshLine("root", "103.172.239.9", "stop"), sshLine("root", "103.172.239.9", "start")]);
    assert.ok(r.out.indexOf("new leader") < r.out.indexOf("started"), "restarted after the handover");
  } finally {
    h.cleanup();
  }
});

failover("should read the Endpoints annotation (1.16), with --ssh-user through sudo and --ssh-opts split like a shell", async () => {
  const h = setup("endpoints");
  try {
    const opts = `-p 2222  -o 'UserKnownHostsFile /tmp/known hosts' -o "ConnectTimeout=5" -i /keys/a\\ b`;
    const r = await runAsync(h, ["--failover", "--ssh-user", "ops", "--ssh-opts", opts]);
    assert.is(r.code, 0, show(r));
    assert.match(r.out, `new leader: idc-k8s-02 (103.172.238.94), holderIdentity ${NEW_HOLDER}\n`);
    assert.match(r.out, /^handover took \d+\.\ds \(stop to new holder seen; acquired 2024-04-01T06:05:57Z, transitions 1\)$/m);
    const words = ["-p", "2222", "-o", "UserKnownHostsFile /tmp/known hosts", "-o", "ConnectTimeout=5", "-i", "/keys/a b"];
    assert.equal(h.sshCalls(), [sshLine("ops", "103.172.239.9", "stop", words), sshLine("ops", "103.172.239.9", "start", words)]);
  } finally {
    h.cleanup();
  }
});

failover("should exit non-zero when no other node takes over within --timeout, and still start the stopped service", async () => {
  for (const lock of ["lease", "endpoints"] as const) {
    const h = setup(lock);
    try {
      const r = await runAsync(h, ["--failover", "--timeout", "2"], { STANDIN_MODE: "stuck" });
      assert.is(r.code, 1, show(r));
      assert.match(r.err, new RegExp(`no other node took over within [2-9]\\.\\ds \\(holder still ${OLD_HOLDER}\\)`));
      assert.not.match(r.out, "new leader");
      assert.match(r.out, "started kube-controller-manager.service on idc-k8s-01 (103.172.239.9)\n");
      assert.equal(h.sshCalls(), [sshLine("root", "103.172.239.9", "stop"), sshLine("root", "103.172.239.9", "start")]);
      assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    } finally {
      h.cleanup();
    }
  }
});

failover("should report the failover as JSON with --json", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--failover", "--json"]);
    assert.is(r.code, 0, show(r));
    const docs = JSON.parse(r.out) as { components: { component: string; lock: string; leader: { node: string }; failover: Record<string, unknown> }[] };
    assert.is(docs.components.length, 1);
    const doc = docs.components[0]!;
    assert.is(doc.component, KCM);
    assert.is(doc.lock, "lease");
    assert.is(doc.leader.node, "idc-k8s-01");
    const f = doc.failover;
    assert.equal(f.stopped, { node: "idc-k8s-01", ip: "103.172.239.9" });
    assert.equal(f.newLeader, { holderIdentity: NEW_HOLDER, node: "idc-k8s-02", ip: "103.172.238.94", acquireTime: "2024-04-01T06:05:57.118204Z", renewTime: "2024-04-01T06:06:55.903117Z", transitions: 1 });
    assert.is(typeof f.handoverSeconds, "number");
    assert.equal([f.timeoutSeconds, f.restarted, f.ok], [24, true, true]);
    const stuck = await runAsync(setupReuse(h), ["--failover", "--json", "--timeout", "1"], { STANDIN_MODE: "stuck" });
    assert.is(stuck.code, 1, show(stuck));
    const stuckDoc = (JSON.parse(stuck.out) as { components: { failover: Record<string, unknown>; error: string }[] }).components[0]!;
    const s = stuckDoc.failover;
    assert.equal([s.newLeader, s.handoverSeconds, s.timeoutSeconds, s.restarted, s.ok], [null, null, 1, true, false]);
    assert.match(stuckDoc.error, /^no other node took over within \d+\.\ds/);
  } finally {
    h.cleanup();
  }
});

/** The same out dir with a fresh stand-in state (the service "running" again). */
function setupReuse(h: Ha): Ha {
  writeFileSync(h.env.STANDIN_STATE!, "");
  return h;
}

failover("should exit non-zero and say so when the stopped service cannot be started again", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--failover"], { STANDIN_SSH_FAIL: "start" });
    assert.is(r.code, 1, show(r));
    assert.match(r.out, "new leader: idc-k8s-02");
    assert.match(r.err, `could not start kube-controller-manager.service on idc-k8s-01 (103.172.239.9) again; run: ssh root@103.172.239.9 systemctl start kube-controller-manager.service`);
    assert.is(h.sshCalls().length, 2);
  } finally {
    h.cleanup();
  }
});

failover("should start the stopped service again when interrupted while waiting", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--failover", "--timeout", "60"], { STANDIN_MODE: "stuck" }, (child) => {
      const poll = setInterval(() => {
        if (h.sshCalls().length === 1) {
          clearInterval(poll);
          setTimeout(() => child.kill("SIGTERM"), 300);
        }
      }, 50);
      child.on("close", () => clearInterval(poll));
    });
    assert.is(r.code, 143, show(r));
    assert.equal(h.sshCalls(), [sshLine("root", "103.172.239.9", "stop"), sshLine("root", "103.172.239.9", "start")]);
    assert.ok(r.ms < 20_000, `took ${r.ms} ms`);
  } finally {
    h.cleanup();
  }
});

failover("should start it again when the stop command fails, and stop nothing when it cannot tell the leader's node", async () => {
  const h = setup("lease");
  try {
    const r = await runAsync(h, ["--failover"], { STANDIN_SSH_FAIL: "stop" });
    assert.is(r.code, 1, show(r));
    assert.match(r.err, "ssh root@103.172.239.9 systemctl stop kube-controller-manager.service failed");
    assert.equal(h.sshCalls(), [sshLine("root", "103.172.239.9", "stop"), sshLine("root", "103.172.239.9", "start")]);
  } finally {
    h.cleanup();
  }
  const u = setup("lease", { nodes: [{ name: "cp-1", ip: "10.0.0.1" }, { name: "cp-2", ip: "10.0.0.2" }] });
  try {
    const r = await runAsync(u, ["--failover"]);
    assert.is(r.code, 1, show(r));
    assert.match(r.err, "the leader's hostname idc-k8s-01 is not a node of this cluster; nothing was stopped");
    assert.equal(u.sshCalls(), []);
  } finally {
    u.cleanup();
  }
  const one = setup("lease", { nodes: [GUIDE_NODES[0]!] });
  try {
    const r = await runAsync(one, ["--failover"]);
    assert.is(r.code, 1, show(r));
    assert.match(r.err, "one control-plane node: no other node could take over; nothing was stopped");
    assert.equal(one.sshCalls(), []);
  } finally {
    one.cleanup();
  }
});

failover("should agree with the real kubectl on every jsonpath template it sends", async () => {
  if (!needTool("kubectl", "cross-check of the stand-in kubectl's jsonpath")) return;
  for (const lock of ["lease", "endpoints"] as const) {
    const h = setup(lock);
    try {
      const r = await runAsync(h, []);
      assert.is(r.code, 0, show(r));
      const call = h.kubectlCalls()[0]!;
      const output = call[call.indexOf("-o") + 1]!;
      assert.ok(output.startsWith("jsonpath="), output);
      for (const phase of ["before", "after"]) {
        const fixture = path.join(FIXTURES, `${lock === "lease" ? "lease" : "endpoints"}-${phase}.json`);
        const env = { ...process.env, HOME: h.dir, KUBECONFIG: path.join(h.dir, "none") };
        const real = spawnSync("kubectl", ["label", "--local", "-f", fixture, "kubebundle-replay=1", "-o", output], { encoding: "utf8", env });
        assert.is(real.status, 0, real.stderr);
        const mode = phase === "before" ? "stuck" : "handover";
        writeFileSync(h.env.STANDIN_STATE!, phase === "before" ? "" : `stop x ${UNIT_NAME}\n`);
        const standIn = spawnSync("kubectl", call, { encoding: "utf8", env: { ...process.env, ...h.env, STANDIN_MODE: mode } });
        assert.is(standIn.status, 0, standIn.stderr);
        assert.is(standIn.stdout, real.stdout, `${lock} ${phase}`);
      }
    } finally {
      h.cleanup();
    }
  }
});

// --- two components ---

const two = suite("check-ha.sh with two components");

const KCM_BLOCK = [
  "component: kube-controller-manager",
  "lock: Lease kube-system/kube-controller-manager",
  `leader: idc-k8s-01 (103.172.239.9), holderIdentity ${OLD_HOLDER}`,
  "acquired: 2024-04-01T05:59:12.437829Z",
  "renewed: 2024-04-01T06:03:37.612845Z",
  "transitions: 0",
];
const SCHED_BLOCK = [
  "component: kube-scheduler",
  "lock: Endpoints kube-system/kube-scheduler, annotation control-plane.alpha.kubernetes.io/leader",
  `leader: idc-k8s-03 (103.172.239.71), holderIdentity ${SCHED_OLD_HOLDER}`,
  "acquired: 2024-04-01T05:59:12Z",
  "renewed: 2024-04-01T06:03:37Z",
  "transitions: 0",
];
const setupTwo = () => setupInput(inputFor("lease", { components: TWO }));
/** lockCalls: kind and name of each kubectl get, in order. */
const lockCalls = (h: Ha) => h.kubectlCalls().map((c) => `${c[c.indexOf("get") + 1]} ${c[c.indexOf("--namespace") + 2]}`);
const FOUR = [
  sshLine("root", "103.172.239.9", "stop"),
  sshLine("root", "103.172.239.9", "start"),
  sshLine("root", "103.172.239.71", "stop", [], SCHED_UNIT),
  sshLine("root", "103.172.239.71", "start", [], SCHED_UNIT),
];

two("should print both leaders, each from its own lock object, in the components' order", async () => {
  const h = setupTwo();
  try {
    const r = await runAsync(h, []);
    assert.is(r.code, 0, show(r));
    assert.is(r.out, [...KCM_BLOCK, "", ...SCHED_BLOCK, ""].join("\n"));
    assert.equal(lockCalls(h), [`lease ${KCM}`, `endpoints ${SCHED}`]);
    assert.equal(h.sshCalls(), []);
  } finally {
    h.cleanup();
  }
});

two("should check only the components --component names, in the components' order, and refuse an unknown one", async () => {
  const h = setupTwo();
  try {
    const only = await runAsync(h, ["--component", SCHED]);
    assert.is(only.code, 0, show(only));
    assert.is(only.out, [...SCHED_BLOCK, ""].join("\n"));
    assert.equal(lockCalls(h), [`endpoints ${SCHED}`]);
    for (const args of [["--component", `${SCHED},${KCM}`], ["--component", SCHED, "--component", KCM], [`--component=${SCHED}`, `--component=${KCM},${SCHED}`]]) {
      const both = await runAsync(h, args);
      assert.is(both.code, 0, `${args.join(" ")}: ${show(both)}`);
      assert.is(both.out, [...KCM_BLOCK, "", ...SCHED_BLOCK, ""].join("\n"), args.join(" "));
    }
    const calls = h.kubectlCalls().length;
    for (const [args, msg] of [
      [["--component", "kube-apiserver"], "--component: unknown component: kube-apiserver (known: kube-controller-manager, kube-scheduler)"],
      [["--component", `${SCHED},kube-sched`], "--component: unknown component: kube-sched (known: kube-controller-manager, kube-scheduler)"],
      [["--component", ""], "--component: an empty component id in '' (known: kube-controller-manager, kube-scheduler)"],
      [["--component", `${KCM},,${SCHED}`], "--component: an empty component id in"],
    ] as const) {
      const r = await runAsync(h, ["--failover", ...args]);
      assert.is(r.code, 2, `${args.join(" ")}: ${show(r)}`);
      assert.match(r.err, msg);
      assert.match(r.err, "Usage: ./check-ha.sh");
    }
    assert.is(h.kubectlCalls().length, calls, "no lock read after a usage error");
    assert.equal(h.sshCalls(), []);
  } finally {
    h.cleanup();
  }
});

two("should print one JSON document with an element per component", async () => {
  const h = setupTwo();
  try {
    const r = await runAsync(h, ["--json"]);
    assert.is(r.code, 0, show(r));
    assert.equal(JSON.parse(r.out), {
      components: [
        {
          component: KCM,
          lock: "lease",
          leader: { holderIdentity: OLD_HOLDER, node: "idc-k8s-01", ip: "103.172.239.9", acquireTime: "2024-04-01T05:59:12.437829Z", renewTime: "2024-04-01T06:03:37.612845Z", transitions: 0 },
        },
        {
          component: SCHED,
          lock: "endpoints",
          leader: { holderIdentity: SCHED_OLD_HOLDER, node: "idc-k8s-03", ip: "103.172.239.71", acquireTime: "2024-04-01T05:59:12Z", renewTime: "2024-04-01T06:03:37Z", transitions: 0 },
        },
      ],
    });
    const one = await runAsync(h, ["--json", "--component", SCHED]);
    assert.is(one.code, 0, show(one));
    assert.equal((JSON.parse(one.out) as { components: { component: string }[] }).components.map((c) => c.component), [SCHED]);
  } finally {
    h.cleanup();
  }
});

two("should fail over each component in turn, each with its own wait, and start each stopped service before the next", async () => {
  const h = setupTwo();
  try {
    const r = await runAsync(h, ["--failover"], { STANDIN_DELAY_READS: "1" });
    assert.is(r.code, 0, show(r));
    const lines = [
      "stopping kube-controller-manager.service on the leader's node idc-k8s-01 (103.172.239.9) as root",
      "waiting up to 24s for another node to take over",
      `new leader: idc-k8s-02 (103.172.238.94), holderIdentity ${NEW_HOLDER}`,
      "started kube-controller-manager.service on idc-k8s-01 (103.172.239.9)",
      "component: kube-scheduler",
      "stopping kube-scheduler.service on the leader's node idc-k8s-03 (103.172.239.71) as root",
      "waiting up to 31s for another node to take over",
      `new leader: idc-k8s-01 (103.172.239.9), holderIdentity ${SCHED_NEW_HOLDER}`,
      "started kube-scheduler.service on idc-k8s-03 (103.172.239.71)",
    ];
    let at = -1;
    for (const l of lines) {
      const next = r.out.indexOf(`${l}\n`, at + 1);
      assert.ok(next > at, `"${l}" after the line before it:\n${show(r)}`);
      at = next;
    }
    assert.is((r.out.match(/^handover took \d+\.\ds /gm) ?? []).length, 2, show(r));
    assert.equal(h.sshCalls(), FOUR);
  } finally {
    h.cleanup();
  }
});

two("should report both failovers as JSON, with --timeout applied to every component", async () => {
  const h = setupTwo();
  try {
    type Doc = { components: { component: string; failover: { stopped: unknown; newLeader: { node: string }; timeoutSeconds: number; restarted: boolean; ok: boolean } }[] };
    const r = await runAsync(h, ["--failover", "--json"]);
    assert.is(r.code, 0, show(r));
    const doc = JSON.parse(r.out) as Doc;
    assert.equal(
      doc.components.map((c) => [c.component, c.failover.stopped, c.failover.newLeader.node, c.failover.timeoutSeconds, c.failover.restarted, c.failover.ok]),
      [
        [KCM, { node: "idc-k8s-01", ip: "103.172.239.9" }, "idc-k8s-02", 24, true, true],
        [SCHED, { node: "idc-k8s-03", ip: "103.172.239.71" }, "idc-k8s-01", 31, true, true],
      ],
    );
    const timed = await runAsync(setupReuse(h), ["--failover", "--json", "--timeout", "7"]);
    assert.is(timed.code, 0, show(timed));
    assert.equal((JSON.parse(timed.out) as Doc).components.map((c) => c.failover.timeoutSeconds), [7, 7]);
    assert.match(timed.err, "waiting up to 7s for another node to take over\n");
    assert.not.match(timed.err, "waiting up to 24s");
  } finally {
    h.cleanup();
  }
});

two("should exit 1 when one component has no takeover, and still test the other and start both services again", async () => {
  for (const [stuck, handed] of [[KCM, SCHED], [SCHED, KCM]] as const) {
    const h = setupTwo();
    try {
      const r = await runAsync(h, ["--failover", "--timeout", "2", "--json"], { STANDIN_STUCK: stuck });
      assert.is(r.code, 1, `${stuck} stuck: ${show(r)}`);
      assert.match(r.err, new RegExp(`check-ha\\.sh: ${stuck}: no other node took over within [2-9]\\.\\ds`));
      assert.not.match(r.err, `check-ha.sh: ${handed}: `);
      assert.equal(h.sshCalls(), FOUR, `${stuck} stuck`);
      const doc = JSON.parse(r.out) as { components: { component: string; failover: { ok: boolean; restarted: boolean }; error?: string }[] };
      assert.equal(
        doc.components.map((c) => [c.component, c.failover.ok, c.failover.restarted, typeof c.error]),
        [KCM, SCHED].map((id) => [id, id === handed, true, id === stuck ? "string" : "undefined"]),
      );
    } finally {
      h.cleanup();
    }
  }
});

two("should stop no further service when a stopped one cannot be started again", async () => {
  const h = setupTwo();
  try {
    const r = await runAsync(h, ["--failover"], { STANDIN_SSH_FAIL: `start ${UNIT_NAME}` });
    assert.is(r.code, 1, show(r));
    assert.match(r.err, "could not start kube-controller-manager.service on idc-k8s-01 (103.172.239.9) again");
    assert.match(r.err, "check-ha.sh: kube-scheduler: nothing was stopped: kube-controller-manager.service on idc-k8s-01 (103.172.239.9) could not be started again\n");
    assert.match(r.out, [...SCHED_BLOCK, ""].join("\n"), "kube-scheduler's leader is still shown");
    assert.equal(h.sshCalls(), FOUR.slice(0, 2));
  } finally {
    h.cleanup();
  }
});

two("should start the second component's service again when interrupted while waiting for its handover", async () => {
  const h = setupTwo();
  try {
    const r = await runAsync(h, ["--failover", "--timeout", "60"], { STANDIN_STUCK: SCHED }, (child) => {
      const poll = setInterval(() => {
        if (h.sshCalls().length === 3) {
          clearInterval(poll);
          setTimeout(() => child.kill("SIGTERM"), 300);
        }
      }, 50);
      child.on("close", () => clearInterval(poll));
    });
    assert.is(r.code, 143, show(r));
    assert.equal(h.sshCalls(), FOUR);
    assert.match(r.out, "started kube-scheduler.service on idc-k8s-03 (103.172.239.71)\n");
    assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
  } finally {
    h.cleanup();
  }
});

two("should go on to the next component when one lock cannot be read, and exit 1", async () => {
  const h = setupTwo();
  try {
    rmSync(path.join(h.env.STANDIN_FIXTURES!, KCM), { recursive: true });
    const r = await runAsync(h, ["--failover", "--json"]);
    assert.is(r.code, 1, show(r));
    assert.match(r.err, 'check-ha.sh: kube-controller-manager: cannot read the Lease kube-system/kube-controller-manager: Error from server (NotFound): leases.coordination.k8s.io "kube-controller-manager" not found\n');
    assert.equal(h.sshCalls(), FOUR.slice(2));
    const [kcm, sched] = (JSON.parse(r.out) as { components: { component: string; leader: unknown; failover: { ok: boolean } | null; error?: string }[] }).components;
    assert.equal([kcm!.component, kcm!.leader, kcm!.failover], [KCM, null, null]);
    assert.match(kcm!.error!, "cannot read the Lease kube-system/kube-controller-manager");
    assert.equal([sched!.component, sched!.failover!.ok, sched!.error], [SCHED, true, undefined]);
  } finally {
    h.cleanup();
  }
});

// --- rendering ---

const render = suite("renderCheckHaScript");

render("should be clean under shellcheck for both eras, and with two components", () => {
  if (!needTool("shellcheck", "check-ha.sh lint")) return;
  const nodes = [...GUIDE_NODES, { name: "cp-6", ip: "fd00::6" }];
  for (const input of [inputFor("lease", { nodes }), inputFor("endpoints", { nodes }), inputFor("lease", { nodes, components: TWO })]) {
    const h = setupInput(input);
    try {
      const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", h.script], { encoding: "utf8" });
      assert.is(r.status, 0, r.stdout + r.stderr);
    } finally {
      h.cleanup();
    }
  }
});

render("should wait at most lease duration + 2 retry periods + a margin by default", () => {
  assert.is(handoverTimeoutSeconds({ leaseDurationSeconds: 15, retryPeriodSeconds: 2 }), 24);
  const text = renderCheckHaScript(inputFor("lease", {}, { leaseDurationSeconds: 30, retryPeriodSeconds: 5 }));
  // Row: id, unit, lock, lease duration, retry period, default timeout.
  assert.match(text, "readonly COMPONENTS=(\n  'kube-controller-manager' 'kube-controller-manager.service' 'lease' '30' '5' '45'\n)\n");
  const two = renderCheckHaScript(inputFor("lease", { components: TWO }));
  assert.match(two, "readonly COMPONENTS=(\n  'kube-controller-manager' 'kube-controller-manager.service' 'lease' '15' '2' '24'\n  'kube-scheduler' 'kube-scheduler.service' 'endpoints' '20' '3' '31'\n)\n");
});

render("should put every value in as one single-quoted word", () => {
  const text = renderCheckHaScript(inputFor("endpoints", { nodes: [{ name: "cp-1", ip: "fd00::1" }, { name: "it's", ip: "$(reboot)" }], kubeconfig: "admin dir/admin.kubeconfig", version: "1.2.3" }));
  assert.match(text, `\n  'kube-controller-manager' 'kube-controller-manager.service' 'endpoints' '15' '2' '24'\n`);
  assert.match(text, `readonly DEFAULT_KUBECONFIG='admin dir/admin.kubeconfig'\n`);
  assert.match(text, `readonly NODES=(\n  'cp-1' 'fd00::1'\n  ${shellQuote("it's")} '$(reboot)'\n)\n`);
  assert.match(text, `readonly KUBEBUNDLE_VERSION='1.2.3'\n`);
  const r = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
});

render("should refuse no nodes, a repeated or '_' node name, a bad lock or duration, and a newline", () => {
  assert.throws(() => renderCheckHaScript(inputFor("lease", { nodes: [] })), /no nodes/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", { nodes: [GUIDE_NODES[0]!, GUIDE_NODES[0]!] })), /listed twice/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", { nodes: [{ name: "a_b", ip: "10.0.0.1" }] })), /"_"/);
  assert.throws(() => renderCheckHaScript(inputFor("configmaps" as Lock)), /bad leader lock/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", {}, { leaseDurationSeconds: 0 })), /lease duration/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", {}, { retryPeriodSeconds: 1.5 })), /retry period/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", { version: "1\n" })), /newline/);
});

render("should refuse no components, a repeated or malformed id, a unit name systemctl could read as an option, and a wait above 99999 s", () => {
  assert.throws(() => renderCheckHaScript(inputFor("lease", { components: [] })), /no components/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", { components: [TWO[0]!, TWO[1]!, TWO[0]!] })), /component kube-controller-manager is listed twice/);
  for (const id of ["", "Kube-Scheduler", "kube-scheduler,kube-controller-manager", "kube scheduler", "-kube", "it's"]) {
    assert.throws(() => renderCheckHaScript(inputFor("lease", { components: [component(id, "lease")] })), /bad component id/, JSON.stringify(id));
  }
  for (const unitName of ["", "--now", "kube-scheduler", "kube scheduler.service", "kube-scheduler.service;reboot"]) {
    assert.throws(() => renderCheckHaScript(inputFor("lease", {}, { unitName })), /bad unit name/, JSON.stringify(unitName));
  }
  assert.throws(() => renderCheckHaScript(inputFor("lease", { components: [TWO[0]!, { ...TWO[1]!, leaderLock: "configmaps" as Lock }] })), /kube-scheduler: bad leader lock/);
  assert.throws(() => renderCheckHaScript(inputFor("lease", {}, { leaseDurationSeconds: 99_995 })), /above 99999s/);
  assert.match(renderCheckHaScript(inputFor("lease", {}, { leaseDurationSeconds: 99_990, retryPeriodSeconds: 2 })), "'99990' '2' '99999'\n");
});

// --- kube-apiserver's readiness on every node, before the leaders ---
//
// Stand-in API servers on 127.0.0.1-3 (one port for all, as apiServer.port) and an endpoint on 127.0.0.4, serving a
// certificate of a CA made here; like kube-apiserver with --anonymous-auth=false they require a client certificate of
// that CA, and like RBAC they answer /readyz to CN admin only. check-ha.sh's nodes are these addresses.

const API_NODES = [
  { name: "idc-k8s-01", ip: "127.0.0.1" },
  { name: "idc-k8s-02", ip: "127.0.0.2" },
  { name: "idc-k8s-03", ip: "127.0.0.3" },
];
const ENDPOINT_IP = "127.0.0.4";
const NOT_READY = "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-apiserver-admission-initializer ok\nreadyz check failed\n";

interface ApiPki {
  ca: Issued;
  otherCa: Issued;
  admin: Issued;
  /** A client of the CA that is not admin (the health-check user of verify.sh): the stand-ins forbid it /readyz. */
  other: Issued;
  server: Issued;
}

/** row: a leaf row of the certificate table with another subject, SANs and usages (the stand-ins' own certificates). */
function row(id: string, CN: string, profile: CertRow["profile"], hosts: string[]): CertRow {
  return { ...rowById("admin"), id, longName: id, baseName: id, profile, subject: () => buildDn([], { CN }), hosts: () => hosts };
}

async function makeApiPki(): Promise<ApiPki> {
  const cluster = loadSpec(path.join(ROOT, "test/fixtures/spec/valid-ecdsa.json")).cluster;
  const deps = realDeps();
  const ca = await issue(rowById("ca"), null, cluster, deps);
  const otherCa = await issue(rowById("ca"), null, cluster, deps);
  const server = await issue(row("stand-in-apiserver", "kube-apiserver", ["signing", "key encipherment", "server auth"], [...API_NODES.map((n) => n.ip), ENDPOINT_IP, "localhost"]), ca, cluster, deps);
  return {
    ca,
    otherCa,
    admin: await issue(rowById("admin"), ca, cluster, deps),
    other: await issue(row("stand-in-healthcheck", "kube-apiserver-healthcheck", ["signing", "key encipherment", "client auth"], []), ca, cluster, deps),
    server,
  };
}

/** StandIn: one stand-in API server: what it answers on /readyz, and the requests it got (path, client CN). */
interface StandIn {
  ip: string;
  port: number;
  mode: "ready" | "not-ready";
  seen: { path: string; cn: string | undefined }[];
  stop(): Promise<void>;
}

function listen(pki: ApiPki, ip: string, port: number): Promise<StandIn> {
  const stand: StandIn = { ip, port, mode: "ready", seen: [], stop: async () => undefined };
  const server: Server = createServer({ cert: pki.server.pem, key: pki.server.key.pem, ca: pki.ca.pem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const given = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    const cn = Array.isArray(given) ? given.join(",") : given;
    const route = new URL(req.url ?? "/", "https://localhost").pathname;
    stand.seen.push({ path: route, cn });
    if (route !== "/readyz") res.writeHead(404).end("404 page not found");
    else if (cn !== "admin") res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden: User "${String(cn)}" cannot get path "/readyz"`);
    else if (stand.mode === "not-ready") res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(NOT_READY);
    else res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, ip, () => {
      stand.port = (server.address() as AddressInfo).port;
      stand.stop = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve(stand);
    });
  });
}

/** Servers: a stand-in on every node address (one port for all) and one on the endpoint's. */
interface Servers {
  port: number;
  nodes: StandIn[];
  endpoint: StandIn;
  stop(): Promise<void>;
}

async function startServers(pki: ApiPki): Promise<Servers> {
  for (let attempt = 0; ; attempt++) {
    const first = await listen(pki, API_NODES[0]!.ip, 0);
    const rest = await Promise.allSettled(API_NODES.slice(1).map((n) => listen(pki, n.ip, first.port)));
    const up = [first, ...rest.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []))];
    if (up.length === API_NODES.length) {
      const endpoint = await listen(pki, ENDPOINT_IP, 0);
      return { port: first.port, nodes: up, endpoint, stop: async () => void (await Promise.all([...up, endpoint].map((s) => s.stop()))) };
    }
    await Promise.all(up.map((s) => s.stop()));
    if (attempt === 4) throw new Error(`no port free on every one of ${API_NODES.map((n) => n.ip).join(", ")}`);
  }
}

/** apiInput: kube-controller-manager (Lease) and the apiserver block, with the nodes on the stand-ins' addresses. */
function apiInput(port: number, over: Partial<CheckHaApiserver> = {}): CheckHaScriptInput {
  return inputFor("lease", {
    nodes: API_NODES,
    apiserver: { id: "kube-apiserver", path: "/readyz", port, endpoint: null, caFile: "admin/ca.pem", certFile: "admin/admin.pem", keyFile: "admin/admin-key.pem", ...over },
  });
}

/** setupApi: check-ha.sh for `input` with out/admin/ca.pem, admin.pem and admin-key.pem (the client `client`, the CA `ca`). */
function setupApi(input: CheckHaScriptInput, pki: ApiPki, client: Issued = pki.admin, ca: Issued = pki.ca): Ha {
  const h = setupInput(input);
  writeFileSync(path.join(h.dir, "admin", "ca.pem"), ca.pem, { mode: 0o644 });
  writeFileSync(path.join(h.dir, "admin", "admin.pem"), client.pem, { mode: 0o644 });
  writeFileSync(path.join(h.dir, "admin", "admin-key.pem"), client.key.pem, { mode: 0o600 });
  return h;
}

const api = suite("check-ha.sh: kube-apiserver ready on every node");
let PKI: ApiPki;
let SRV: Servers;
/** The two HTTPS clients check-ha.sh has: curl, and openssl s_client when curl is missing. */
const CLIENTS: [string, Record<string, string>][] = [
  ["curl", {}],
  ["openssl", { CHECK_HA_CURL: "no-such-curl" }],
];
const nodeUrl = (ip: string) => `https://${ip}:${SRV.port}/readyz`;
/** API_KCM_BLOCK: kube-controller-manager's leader as printed when idc-k8s-01 is 127.0.0.1. */
const API_KCM_BLOCK = KCM_BLOCK.map((l) => l.replace("(103.172.239.9)", "(127.0.0.1)"));
const readyLines = () => API_NODES.map((n) => `ready: node ${n.name} (${n.ip}) ${nodeUrl(n.ip)}: ok`);

api.before(async () => {
  PKI = await makeApiPki();
  SRV = await startServers(PKI);
});
api.after(async () => {
  await SRV?.stop();
});
/** forget: every stand-in ready again, with no request seen. */
function forget(): void {
  for (const s of [...SRV.nodes, SRV.endpoint]) {
    s.mode = "ready";
    s.seen.length = 0;
  }
}
api.before.each(forget);

api("should ask every node's /readyz with the admin certificate, before the leaders, through curl and through openssl", async () => {
  for (const [client, env] of CLIENTS) {
    if (!needTool(client, `check-ha.sh's ${client} path`)) continue;
    forget();
    const h = setupApi(apiInput(SRV.port), PKI);
    try {
      const r = await runAsync(h, [], env);
      assert.is(r.code, 0, `${client}: ${show(r)}`);
      assert.is(r.out, ["component: kube-apiserver", ...readyLines(), "", ...API_KCM_BLOCK, ""].join("\n"), client);
      for (const s of SRV.nodes) assert.equal(s.seen, [{ path: "/readyz", cn: "admin" }], `${client}: ${s.ip}`);
      assert.equal(SRV.endpoint.seen, [], "no endpoint in the spec: not asked");
    } finally {
      h.cleanup();
    }
  }
});

api("should exit 1 and name each node whose /readyz fails or that does not answer, and still read the leaders", async () => {
  // idc-k8s-04's address has no server on the port.
  const nodes = [...API_NODES.slice(0, 2), { name: "idc-k8s-04", ip: "127.0.0.5" }];
  SRV.nodes[1]!.mode = "not-ready";
  const why = "HTTP 500: [+]ping ok; [+]log ok; [-]etcd failed: reason withheld; [+]poststarthook/start-apiserver-admission-initializer ok; readyz check failed";
  for (const [client, env] of CLIENTS) {
    if (!needTool(client, `check-ha.sh's ${client} path`)) continue;
    const h = setupApi({ ...apiInput(SRV.port), nodes }, PKI);
    try {
      const r = await runAsync(h, [], env);
      assert.is(r.code, 1, `${client}: ${show(r)}`);
      assert.match(r.out, `component: kube-apiserver\n${readyLines()[0]}\nnot ready: node idc-k8s-02 (127.0.0.2) ${nodeUrl("127.0.0.2")}: ${why}\nnot ready: node idc-k8s-04 (127.0.0.5) ${nodeUrl("127.0.0.5")}: `);
      assert.match(r.err, `check-ha.sh: kube-apiserver: node idc-k8s-02 (127.0.0.2) is not ready: ${nodeUrl("127.0.0.2")}: ${why}\n`);
      const refused = new RegExp(`^check-ha\\.sh: kube-apiserver: node idc-k8s-04 \\(127\\.0\\.0\\.5\\) is not ready: ${nodeUrl("127.0.0.5").replace(/\./g, "\\.")}: .*(refused|connect)`, "im");
      assert.match(r.err, refused, `${client}: ${show(r)}`);
      assert.not.match(r.err, "idc-k8s-01 (127.0.0.1) is not ready");
      assert.match(r.out, [...API_KCM_BLOCK, ""].join("\n"), "the leader is still read");
    } finally {
      h.cleanup();
    }
  }
});

api("should ask the endpoint's /readyz too when the spec sets one, by address or by name, and name it when it fails", async () => {
  // localhost: a name, checked against the certificate's DNS SAN; it resolves to 127.0.0.1 (a stand-in of its own there).
  const named = await listen(PKI, "127.0.0.1", 0);
  try {
    for (const [host, stand] of [[ENDPOINT_IP, SRV.endpoint], ["localhost", named]] as const) {
      for (const [client, env] of CLIENTS) {
        if (!needTool(client, `check-ha.sh's ${client} path`)) continue;
        const endpoint = `https://${host}:${stand.port}`;
        stand.mode = "ready";
        stand.seen.length = 0;
        const h = setupApi(apiInput(SRV.port, { endpoint }), PKI);
        try {
          const r = await runAsync(h, [], env);
          assert.is(r.code, 0, `${client} ${host}: ${show(r)}`);
          assert.match(r.out, ["component: kube-apiserver", ...readyLines(), `ready: endpoint ${endpoint}/readyz: ok`, "", ""].join("\n"));
          assert.equal(stand.seen, [{ path: "/readyz", cn: "admin" }]);
          stand.mode = "not-ready";
          const bad = await runAsync(h, [], env);
          assert.is(bad.code, 1, `${client} ${host}: ${show(bad)}`);
          assert.match(bad.err, `check-ha.sh: kube-apiserver: endpoint is not ready: ${endpoint}/readyz: HTTP 500: [+]ping ok;`);
          assert.not.match(bad.err, "node idc-k8s");
        } finally {
          h.cleanup();
        }
      }
    }
  } finally {
    await named.stop();
  }
});

api("should refuse a server whose certificate is not from admin/ca.pem, and report the 403 of a client that is not admin", async () => {
  for (const [client, env] of CLIENTS) {
    if (!needTool(client, `check-ha.sh's ${client} path`)) continue;
    forget();
    const wrongCa = setupApi(apiInput(SRV.port), PKI, PKI.admin, PKI.otherCa);
    try {
      const r = await runAsync(wrongCa, [], env);
      assert.is(r.code, 1, `${client}: ${show(r)}`);
      for (const n of API_NODES) assert.match(r.err, new RegExp(`node ${n.name} \\(${n.ip.replace(/\./g, "\\.")}\\) is not ready: .*(certificate|verify)`, "i"), `${client}: ${show(r)}`);
      for (const s of SRV.nodes) assert.equal(s.seen, [], "no request reaches a server the CA does not vouch for");
    } finally {
      wrongCa.cleanup();
    }
    const notAdmin = setupApi(apiInput(SRV.port), PKI, PKI.other);
    try {
      const r = await runAsync(notAdmin, [], env);
      assert.is(r.code, 1, `${client}: ${show(r)}`);
      assert.match(r.err, `check-ha.sh: kube-apiserver: node idc-k8s-01 (127.0.0.1) is not ready: ${nodeUrl("127.0.0.1")}: HTTP 403: forbidden: User "kube-apiserver-healthcheck" cannot get path "/readyz"\n`);
    } finally {
      notAdmin.cleanup();
    }
  }
});

api("should say which credentials it cannot read, and that it has neither curl nor openssl", async () => {
  const h = setupApi(apiInput(SRV.port), PKI);
  try {
    rmSync(path.join(h.dir, "admin", "admin-key.pem"));
    const r = await runAsync(h, []);
    assert.is(r.code, 1, show(r));
    assert.match(r.err, `check-ha.sh: kube-apiserver: node idc-k8s-01 (127.0.0.1) is not ready: ${nodeUrl("127.0.0.1")}: cannot read ${path.join(h.dir, "admin", "admin-key.pem")}\n`);
    writeFileSync(path.join(h.dir, "admin", "admin-key.pem"), PKI.admin.key.pem, { mode: 0o600 });
    const none = await runAsync(h, [], { CHECK_HA_CURL: "no-such-curl", CHECK_HA_OPENSSL: "no-such-openssl" });
    assert.is(none.code, 1, show(none));
    assert.match(none.err, `is not ready: ${nodeUrl("127.0.0.1")}: neither no-such-curl nor no-such-openssl found\n`);
  } finally {
    h.cleanup();
  }
});

api("should add the readiness of each server to the --json document, and keep every temporary folder removed", async () => {
  SRV.nodes[2]!.mode = "not-ready";
  const h = setupApi(apiInput(SRV.port, { endpoint: `https://${ENDPOINT_IP}:${SRV.endpoint.port}` }), PKI);
  const tmpdir = path.join(h.dir, "scratch");
  mkdirSync(tmpdir);
  try {
    const r = await runAsync(h, ["--json"], { TMPDIR: tmpdir });
    assert.is(r.code, 1, show(r));
    const doc = JSON.parse(r.out) as { apiserver: { component: string; path: string; ok: boolean; targets: { node: string | null; ip: string | null; url: string; ok: boolean; detail: string }[] }; components: { component: string }[] };
    assert.equal(Object.keys(doc), ["apiserver", "components"]);
    assert.equal([doc.apiserver.component, doc.apiserver.path, doc.apiserver.ok], ["kube-apiserver", "/readyz", false]);
    assert.equal(
      doc.apiserver.targets.map((t) => [t.node, t.ip, t.url, t.ok]),
      [...API_NODES.map((n) => [n.name, n.ip, nodeUrl(n.ip), n.ip !== "127.0.0.3"]), [null, null, `https://${ENDPOINT_IP}:${SRV.endpoint.port}/readyz`, true]],
    );
    assert.match(doc.apiserver.targets[2]!.detail, /^HTTP 500: \[\+\]ping ok; /);
    assert.equal(doc.components.map((c) => c.component), [KCM]);
    assert.match(r.err, "not ready: node idc-k8s-03 (127.0.0.3)");
    assert.equal(readdirSync(tmpdir), [], "the scratch folder is removed");
  } finally {
    h.cleanup();
  }
});

api("should check etcd first, then kube-apiserver, then the leaders, each failure under its own name", async () => {
  const etcd = { unitName: "etcd.service", clientPort: 2379, caFile: "admin/ca.pem", certFile: "admin/admin.pem", keyFile: "admin/admin-key.pem" };
  const h = setupApi({ ...apiInput(SRV.port), etcd }, PKI);
  try {
    // No etcd here: a stand-in etcdctl that fails as the real one does when no member answers.
    const bin = h.env.PATH!.split(":")[0]!;
    writeFileSync(path.join(bin, "etcdctl"), "#!/bin/sh\necho '{\"level\":\"warn\",\"msg\":\"retrying of unary invoker failed\"}' >&2\necho 'Error: context deadline exceeded' >&2\nexit 1\n", { mode: 0o755 });
    const r = await runAsync(h, []);
    assert.is(r.code, 1, show(r));
    const at = ["component: etcd", "component: kube-apiserver", readyLines()[2]!, "component: kube-controller-manager"].map((l) => r.out.indexOf(`${l}\n`));
    assert.ok(at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)), show(r));
    assert.match(r.err, /^check-ha\.sh: etcd: member list: /m);
    assert.not.match(r.err, "kube-apiserver:");
  } finally {
    h.cleanup();
  }
});

api("should document the readiness check and its environment variables in --help", async () => {
  const h = setupApi(apiInput(6443, { endpoint: "https://10.0.0.100:8443" }), PKI);
  try {
    const r = await runAsync(h, ["--help"]);
    assert.is(r.code, 0, show(r));
    const text = r.out.replace(/\s+/g, " ");
    for (const s of [
      "Before them, every time (--component does not select it; --failover stops nothing of it): kube-apiserver",
      "GET https://<node ip>:6443/readyz on every node, and https://10.0.0.100:8443/readyz answers \"ok\"; client certificate admin/admin.pem, server checked against admin/ca.pem",
      "CHECK_HA_CURL",
      "CHECK_HA_OPENSSL",
    ]) assert.ok(text.includes(s), `${s}\n${r.out}`);
    const plain = setupInput(inputFor("lease"));
    try {
      const p = await runAsync(plain, ["--help"]);
      assert.not.match(p.out, "CHECK_HA_CURL");
      assert.not.match(p.out, "Before them");
    } finally {
      plain.cleanup();
    }
  } finally {
    h.cleanup();
  }
});

render("should be clean under shellcheck with the readiness check, with and without an endpoint, and alone", () => {
  if (!needTool("shellcheck", "check-ha.sh lint")) return;
  const nodes = [...GUIDE_NODES, { name: "cp-6", ip: "fd00::6" }];
  const a: CheckHaApiserver = { id: "kube-apiserver", path: "/readyz", port: 6443, endpoint: null, caFile: "admin/ca.pem", certFile: "admin/admin.pem", keyFile: "admin/admin-key.pem" };
  const etcd = { unitName: "etcd.service", clientPort: 2379, caFile: "admin/etcd/ca.pem", certFile: "admin/etcd/healthcheck-client.pem", keyFile: "admin/etcd/healthcheck-client-key.pem" };
  for (const input of [
    inputFor("lease", { nodes, apiserver: a }),
    inputFor("lease", { nodes, components: TWO, apiserver: { ...a, endpoint: "https://[fd00::100]:8443" }, etcd }),
    inputFor("lease", { nodes, components: [], apiserver: { ...a, endpoint: "https://lb.example.com" } }),
  ]) {
    const h = setupInput(input);
    try {
      const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", h.script], { encoding: "utf8" });
      assert.is(r.status, 0, r.stdout + r.stderr);
    } finally {
      h.cleanup();
    }
  }
});

render("should split the endpoint into the host and port openssl connects to, and refuse a bad readiness check", () => {
  const a: CheckHaApiserver = { id: "kube-apiserver", path: "/readyz", port: 6443, endpoint: null, caFile: "admin/ca.pem", certFile: "admin/admin.pem", keyFile: "admin/admin-key.pem" };
  const text = (over: Partial<CheckHaApiserver>) => renderCheckHaScript(inputFor("lease", { apiserver: { ...a, ...over } }));
  assert.match(text({}), "readonly API_ID='kube-apiserver' API_PATH='/readyz' API_PORT='6443'\nreadonly API_ENDPOINT='' API_ENDPOINT_HOST='' API_ENDPOINT_PORT=''\n");
  assert.match(text({ endpoint: "https://[FD00::100]:8443/" }), "readonly API_ENDPOINT='https://[fd00::100]:8443' API_ENDPOINT_HOST='fd00::100' API_ENDPOINT_PORT='8443'\n");
  assert.match(text({ endpoint: "https://LB.example.com" }), "readonly API_ENDPOINT='https://lb.example.com' API_ENDPOINT_HOST='lb.example.com' API_ENDPOINT_PORT='443'\n");
  assert.match(text({ caFile: "admin dir/it's.pem" }), `API_CA=${shellQuote("admin dir/it's.pem")} `);
  assert.not.match(renderCheckHaScript(inputFor("lease")), "API_ID");
  for (const endpoint of ["http://10.0.0.100:8443", "https://10.0.0.100:8443/api", "https://u:p@10.0.0.100", "https://10.0.0.100?x=1", "not a url"]) {
    assert.throws(() => text({ endpoint }), /endpoint/, endpoint);
  }
  assert.throws(() => text({ port: 0 }), /bad port/);
  assert.throws(() => text({ path: "readyz" }), /bad path/);
  assert.throws(() => text({ id: "Kube API" }), /bad component id/);
  assert.throws(() => text({ keyFile: "" }), /empty file name/);
  // The readiness check alone is something to check: no "no components".
  assert.match(renderCheckHaScript(inputFor("lease", { components: [], apiserver: a })), "readonly COMPONENTS=(\n)\n");
});

leader.run();
failover.run();
two.run();
api.run();
render.run();
