// A real three-member etcd cluster formed from the bundles: each node's bundle is installed with install.sh --root into
// its own root, and each member runs in its own network namespace (a veth into one bridge, 198.18.0.0/24, the range
// reserved for such testing) with exactly the flags of its generated unit, the installed folders bind-mounted at their
// absolute paths in a private mount namespace. etcdctl then talks to it with the bundle's own client certificates, and
// with the servers, CA and client pair each node's kube-apiserver unit names (--etcd-*), as that node's root holds them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, hasTool } from "../helpers/tools.js";

const PID = process.pid;
const TAG = `kbe${PID % 100000}`;
const BASE = `/tmp/kbetcd-${PID}`; // the node paths of the spec; bind-mounted from each node's root
const NODES = [1, 2, 3].map((i) => ({ name: `m${i}`, ip: `198.18.0.${10 + i}`, ns: `${TAG}n${i}`, veth: `${TAG}v${i}` }));
const BRIDGE = `${TAG}br`;
const CLI = path.join(ROOT, "dist/bin/kubebundle.js");

const procs = new Map<string, ChildProcess>();
const made = { netns: [] as string[], links: [] as string[], dirs: [] as string[] };

function sh(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", input: opts.input, timeout: 60_000 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (!opts.allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}: ${out}`);
  return { code: r.status ?? -1, out };
}

function cleanup(): void {
  for (const p of procs.values()) {
    try {
      if (p.pid) process.kill(-p.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  procs.clear();
  for (const ns of made.netns.splice(0)) sh("ip", ["netns", "del", ns], { allowFail: true });
  for (const l of made.links.splice(0)) sh("ip", ["link", "del", l], { allowFail: true });
  for (const d of made.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => { cleanup(); process.exit(130); });

/** whyNot: what this machine lacks for the test, or null. */
function whyNot(): string | null {
  for (const t of ["etcd", "etcdctl", "ip", "unshare"]) if (!hasTool(t)) return `${t} not installed`;
  const probe = `${TAG}probe`;
  const r = sh("ip", ["netns", "add", probe], { allowFail: true });
  if (r.code !== 0) return `network namespaces are forbidden here (ip netns add: ${r.out.trim()})`;
  sh("ip", ["netns", "del", probe], { allowFail: true });
  return null;
}

/** execStart: the ExecStart words of a unit, as systemd splits them (continuation lines joined, double quotes undone). */
function execStart(unit: string): string[] {
  const joined = unit.replace(/\\\n/g, " ");
  const line = joined.split("\n").find((l) => l.startsWith("ExecStart="))!;
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.slice("ExecStart=".length).matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!);
  return words.map((w) => w.replace(/%%/g, "%").replace(/\$\$/g, "$"));
}

function network(): void {
  sh("ip", ["link", "add", BRIDGE, "type", "bridge"]);
  made.links.push(BRIDGE);
  sh("ip", ["link", "set", BRIDGE, "up"]);
  for (const n of NODES) {
    sh("ip", ["netns", "add", n.ns]);
    made.netns.push(n.ns);
    sh("ip", ["link", "add", n.veth, "type", "veth", "peer", "name", `${n.veth}p`]);
    made.links.push(n.veth);
    sh("ip", ["link", "set", `${n.veth}p`, "netns", n.ns]);
    sh("ip", ["link", "set", n.veth, "master", BRIDGE, "up"]);
    sh("ip", ["-n", n.ns, "addr", "add", `${n.ip}/24`, "dev", `${n.veth}p`]);
    sh("ip", ["-n", n.ns, "link", "set", `${n.veth}p`, "up"]);
    sh("ip", ["-n", n.ns, "link", "set", "lo", "up"]);
  }
  // The admin host (check-ha.sh) is this namespace, on the same bridge.
  sh("ip", ["addr", "add", "198.18.0.1/24", "dev", BRIDGE]);
}

/** answerSsh: a stand-in `ssh` (on check-ha.sh's PATH) that turns `ssh root@IP systemctl stop|start etcd.service` into
 *  stopping or starting that member here; each call waits until this process has done it. Returns the stop function. */
function answerSsh(dir: string, roots: string[], logs: string): { bin: string; calls: string[]; stop(): void } {
  const bin = path.join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    path.join(bin, "ssh"),
    `#!/bin/bash\nreq=${dir}/req.$$\nprintf '%s\\n' "$*" >"$req.tmp" && mv "$req.tmp" "$req"\nfor ((i = 0; i < 600; i++)); do [[ -e $req.done ]] && exit 0; sleep 0.1; done\nexit 1\n`,
    { mode: 0o755 },
  );
  const calls: string[] = [];
  const timer = setInterval(() => {
    for (const f of readdirSync(dir).filter((x) => /^req\.\d+$/.test(x))) {
      const line = readFileSync(path.join(dir, f), "utf8").trim();
      rmSync(path.join(dir, f));
      calls.push(line);
      const m = /root@(\S+) systemctl (stop|start) etcd\.service$/.exec(line);
      const i = NODES.findIndex((n) => n.ip === m?.[1]);
      if (m && i >= 0) {
        const done = () => writeFileSync(path.join(dir, `${f}.done`), "");
        if (m[2] === "stop") void stopMember(NODES[i]!).then(done);
        else {
          startMember(NODES[i]!, roots[i]!, path.join(logs, `${NODES[i]!.name}.log`));
          done();
        }
      } else writeFileSync(path.join(dir, `${f}.done`), "");
    }
  }, 100);
  return { bin, calls, stop: () => clearInterval(timer) };
}

/** runAsync: a command whose output is collected while this process keeps serving (answerSsh). */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const kill = setTimeout(() => p.kill("SIGKILL"), 180_000);
    p.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, out });
    });
  });
}

function startMember(n: (typeof NODES)[number], root: string, log: string): void {
  const words = execStart(readFileSync(path.join(root, "etc/systemd/system/etcd.service"), "utf8"));
  const args = words.slice(1).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const script = `mount --bind '${path.join(root, BASE)}' '${BASE}' && exec etcd ${args} >>'${log}' 2>&1`;
  const p = spawn("ip", ["netns", "exec", n.ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script], { detached: true, stdio: "ignore" });
  procs.set(n.name, p);
}

/** stopMember: SIGTERM to the member's process group, then wait until it has exited (it holds its data dir's lock and
 *  ports until then; a restart before that fails), SIGKILL after 30 s. */
async function stopMember(n: (typeof NODES)[number]): Promise<void> {
  const p = procs.get(n.name);
  if (!p?.pid || p.exitCode !== null || p.signalCode !== null) {
    procs.delete(n.name);
    return;
  }
  const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
  process.kill(-p.pid, "SIGTERM");
  const kill = setTimeout(() => {
    try {
      process.kill(-p.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, 30_000);
  await exited;
  clearTimeout(kill);
  if (procs.get(n.name) === p) procs.delete(n.name);
}

async function until(what: string, fn: () => boolean, seconds = 60): Promise<void> {
  // A wall-clock bound: each try may itself wait (etcdctl's dial timeout).
  for (const end = Date.now() + seconds * 1000; Date.now() < end; ) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`waited ${seconds}s for ${what}`);
}

/** ctl: etcdctl (v3 API) from inside node `n`'s namespace with a client pair of out/pki (or none). */
function ctl(out: string, n: (typeof NODES)[number], client: string | null, args: string[], endpoints?: string): { code: number; out: string } {
  const tls = [`--cacert=${path.join(out, "pki/etcd-ca.pem")}`, ...(client ? [`--cert=${path.join(out, `pki/${client}.pem`)}`, `--key=${path.join(out, `pki/${client}-key.pem`)}`] : [])];
  const ep = endpoints ?? `https://${n.ip}:2379`;
  return sh("ip", ["netns", "exec", n.ns, "env", "ETCDCTL_API=3", "etcdctl", `--endpoints=${ep}`, "--dial-timeout=5s", "--command-timeout=10s", ...tls, ...args], { allowFail: true });
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p).toString("base64"));
    }
  };
  walk(dir);
  return out;
}

/** specWith: the test's three-node spec (paths under BASE, ECDSA keys, etcd 3.4 as Debian ships it) generating `components`. */
function specWith(components: string[]) {
  return {
    serviceCIDR: "10.254.0.0/16",
    components,
    paths: { binDir: `${BASE}/bin`, certDir: `${BASE}/cert`, configDir: `${BASE}/conf`, dataDir: `${BASE}/work` },
    pki: { key: { algo: "ecdsa" } },
    etcd: { version: "3.4", dataDir: `${BASE}/etcd/data`, walDir: `${BASE}/etcd/wal` },
    nodes: NODES.map((n) => ({ name: n.name, ip: n.ip })),
  };
}

/** Up: a running three-member cluster from the bundles of a spec: the work folder (members' logs), out/, each node's root. */
interface Up {
  work: string;
  out: string;
  roots: string[];
}

/** bringUp: generate `spec` into a fresh work folder, lay the network, install every node's bundle with install.sh --root
 *  into its own root, start the three members and wait until all three are healthy. Everything it makes is in `made`. */
async function bringUp(spec: object): Promise<Up> {
  const work = mkdtempSync(path.join(os.tmpdir(), "kubebundle-etcd-"));
  made.dirs.push(work);
  mkdirSync(BASE, { recursive: true });
  made.dirs.push(BASE);
  const specFile = path.join(work, "cluster.json");
  writeFileSync(specFile, JSON.stringify(spec, null, 2));
  const out = path.join(work, "out");
  execFileSync(process.execPath, [CLI, "generate", specFile, "--out", out, "--quiet"], { env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" } });
  network();
  const roots = NODES.map((n) => {
    const root = path.join(work, "root", n.name);
    mkdirSync(root, { recursive: true });
    const r = sh("bash", [path.join(out, "nodes", n.name, "install.sh"), "--root", root]);
    assert.match(r.out, /service: untouched \(--root\)/);
    return root;
  });
  NODES.forEach((n, i) => startMember(n, roots[i]!, path.join(work, `${n.name}.log`)));
  await until("endpoint health --cluster", () => {
    const r = ctl(out, NODES[0]!, "etcd-healthcheck-client", ["endpoint", "health", "--cluster"]);
    return r.code === 0 && (r.out.match(/is healthy/g) ?? []).length === 3;
  });
  return { work, out, roots };
}

/** flagsOf: the --name=value flags of a unit's ExecStart, by name. */
function flagsOf(unit: string): Map<string, string> {
  return new Map(execStart(unit).slice(1).flatMap((w) => {
    const m = /^--([a-z0-9-]+)=(.*)$/.exec(w);
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  }));
}

test("three etcd members from the bundles form one cluster; separate trust refuses the cluster CA", async () => {
  const missing = whyNot();
  if (missing) {
    console.log(`\n  skipped: etcd cluster test: ${missing}\n`);
    return;
  }
  try {
    const spec = specWith(["etcd"]);
    const { work, out, roots } = await bringUp(spec);
    const specFile = path.join(work, "cluster.json");
    for (const root of roots) {
      assert.is((statSync(path.join(root, BASE, "etcd/data")).mode & 0o777).toString(8), "700", "install.sh creates the data dir 0700");
      assert.is((statSync(path.join(root, BASE, "etcd/wal")).mode & 0o777).toString(8), "700", "and the WAL dir");
    }
    const all = NODES.map((n) => `https://${n.ip}:2379`).join(",");
    const hc = "etcd-healthcheck-client";
    const members = ctl(out, NODES[0]!, hc, ["member", "list", "-w", "json"]);
    assert.is(members.code, 0, members.out);
    const list = (JSON.parse(members.out) as { members: { name: string; peerURLs: string[] }[] }).members;
    assert.equal(list.map((m) => `${m.name} ${m.peerURLs.join(",")}`).sort(), NODES.map((n) => `${n.name} https://${n.ip}:2380`));
    const status = ctl(out, NODES[0]!, hc, ["endpoint", "status", "-w", "json"], all);
    const leaders = new Set((JSON.parse(status.out) as { Status: { leader: string } }[]).map((s) => String(s.Status.leader)));
    assert.is(leaders.size, 1, "one leader");
    // put/get with the health-check client (kube-apiserver's etcd client: the next test, which generates kube-apiserver too)
    assert.is(ctl(out, NODES[0]!, hc, ["put", "/kb/a", "one"]).code, 0);
    assert.match(ctl(out, NODES[1]!, hc, ["get", "/kb/a", "--print-value-only"]).out, /^one\n/);
    // separate trust: the cluster CA's admin certificate is refused, and so is a client without one
    const admin = sh("ip", ["netns", "exec", NODES[0]!.ns, "env", "ETCDCTL_API=3", "etcdctl", `--endpoints=https://${NODES[0]!.ip}:2379`, "--dial-timeout=5s", "--command-timeout=5s",
      `--cacert=${path.join(out, "pki/etcd-ca.pem")}`, `--cert=${path.join(out, "pki/admin.pem")}`, `--key=${path.join(out, "pki/admin-key.pem")}`, "get", "/kb/a"], { allowFail: true });
    assert.ok(admin.code !== 0, `the admin certificate must be refused: ${admin.out}`);
    const bare = ctl(out, NODES[0]!, null, ["get", "/kb/a"]);
    assert.ok(bare.code !== 0, `a client without a certificate must be refused: ${bare.out}`);
    // one member down: still healthy and writable; back with the same flags: it rejoins and has the key
    await stopMember(NODES[2]!);
    const two = NODES.slice(0, 2).map((n) => `https://${n.ip}:2379`).join(",");
    await until("two members healthy", () => ctl(out, NODES[0]!, hc, ["endpoint", "health"], two).code === 0);
    assert.is(ctl(out, NODES[0]!, hc, ["put", "/kb/while-down", "written"]).code, 0);
    startMember(NODES[2]!, roots[2]!, path.join(work, `${NODES[2]!.name}.log`));
    await until("the stopped member to rejoin with the key", () => /^written\n/.test(ctl(out, NODES[2]!, hc, ["get", "/kb/while-down", "--print-value-only", "--consistency=s"]).out));
    // verify.sh of each node, in its namespace with its installed files at their paths (systemctl stands in: no systemd here)
    const stub = path.join(work, "systemctl");
    writeFileSync(stub, '#!/bin/sh\ncase "$1" in is-active) echo active ;; is-enabled) echo enabled ;; esac\n', { mode: 0o755 });
    NODES.forEach((n, i) => {
      const verify = path.join(BASE, "work/etcd/verify.sh");
      const v = sh("ip", ["netns", "exec", n.ns, "unshare", "-m", "--propagation", "private", "sh", "-c",
        `mount --bind '${path.join(roots[i]!, BASE)}' '${BASE}' && ETCD_VERIFY_SYSTEMCTL='${stub}' ETCD_VERIFY_TIMEOUT=20 bash '${verify}'`], { allowFail: true });
      assert.is(v.code, 0, `${n.name} verify.sh: ${v.out}`);
      for (const check of ["unit-active", "listening-client", "listening-peer", "endpoint-health"]) assert.match(v.out, new RegExp(`PASS\\s+${check}`), v.out);
    });
    // check-ha.sh from the admin host: the member list, the leader, and a failover of the leader's etcd (ssh answered here)
    const ssh = answerSsh(path.join(work, "ssh"), roots, work);
    try {
      const env = { ...process.env, PATH: `${ssh.bin}:${process.env.PATH}` };
      const plain = await runAsync("bash", [path.join(out, "check-ha.sh")], env);
      assert.is(plain.code, 0, plain.out);
      assert.match(plain.out, /leader: m[123]/);
      const failover = await runAsync("bash", [path.join(out, "check-ha.sh"), "--failover", "--timeout", "60"], env);
      assert.is(failover.code, 0, failover.out);
      const old = /leader: (m[123])/.exec(failover.out)![1];
      assert.match(failover.out, new RegExp(`stopping etcd\\.service on ${old}`));
      assert.match(failover.out, /new leader: m[123]/);
      assert.not.ok(failover.out.includes(`new leader: ${old}`), failover.out);
      assert.match(failover.out, /health: the other members are healthy/);
      assert.match(failover.out, new RegExp(`started etcd\\.service on ${old}`));
      assert.equal(ssh.calls.map((c) => c.replace(/^.*root@/, "")), [`${NODES.find((n) => n.name === old)!.ip} systemctl stop etcd.service`, `${NODES.find((n) => n.name === old)!.ip} systemctl start etcd.service`]);
      await until("all three healthy after the failover", () => (ctl(out, NODES[0]!, hc, ["endpoint", "health", "--cluster"]).out.match(/is healthy/g) ?? []).length === 3);
    } finally {
      ssh.stop();
    }
    // generate again: nothing changes; change one node's IP: only its etcd certificates and every --initial-cluster change
    const before = snapshot(out);
    execFileSync(process.execPath, [CLI, "generate", specFile, "--out", out, "--quiet"], { env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" } });
    assert.equal(snapshot(out), before, "out/ is byte-identical");
    spec.nodes[1]!.ip = "198.18.0.99";
    writeFileSync(specFile, JSON.stringify(spec, null, 2));
    execFileSync(process.execPath, [CLI, "generate", specFile, "--out", out, "--quiet"], { env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" } });
    const after = snapshot(out);
    const changedPki = [...after.keys()].filter((k) => k.startsWith("pki/") && after.get(k) !== before.get(k)).sort();
    assert.equal(changedPki, ["pki/etcd-peer-m2-key.pem", "pki/etcd-peer-m2.pem", "pki/etcd-server-m2-key.pem", "pki/etcd-server-m2.pem"]);
    for (const n of NODES) {
      const unit = `nodes/${n.name}/rootfs/etc/systemd/system/etcd.service`;
      assert.ok(after.get(unit) !== before.get(unit), `${unit} changes (--initial-cluster)`);
      assert.match(Buffer.from(after.get(unit)!, "base64").toString(), /--initial-cluster=m1=https:\/\/198\.18\.0\.11:2380,m2=https:\/\/198\.18\.0\.99:2380,m3=/);
      const server = `nodes/${n.name}/rootfs${BASE}/cert/etcd/server.pem`;
      assert.is(after.get(server) !== before.get(server), n.name === "m2", `${server} changes only on m2`);
    }
  } finally {
    cleanup();
  }
});

test("kube-apiserver's etcd flags of each node reach the cluster: its servers, CA and client do a put/get; the admin certificate is refused", async () => {
  const missing = whyNot();
  if (missing) {
    console.log(`\n  skipped: etcd cluster test (kube-apiserver's etcd client): ${missing}\n`);
    return;
  }
  try {
    const up = await bringUp(specWith(["etcd", "kube-apiserver"]));
    const servers = NODES.map((n) => `https://${n.ip}:2379`).join(",");
    // Each node's unit as install.sh put it under the node's root; its files read there (the unit names them at their
    // absolute paths on the node).
    const clients = NODES.map((n, i) => {
      const flags = flagsOf(readFileSync(path.join(up.roots[i]!, "etc/systemd/system/kube-apiserver.service"), "utf8"));
      const at = (flag: string) => {
        const p = flags.get(flag);
        assert.ok(p?.startsWith("/"), `${n.name}: --${flag}=${p}`);
        const onRoot = path.join(up.roots[i]!, p!);
        assert.ok(statSync(onRoot).isFile(), `${n.name}: --${flag} ${p} is installed`);
        return onRoot;
      };
      assert.is(flags.get("etcd-servers"), servers, `${n.name}: --etcd-servers names every member`);
      return { n, servers: flags.get("etcd-servers")!, ca: at("etcd-cafile"), cert: at("etcd-certfile"), key: at("etcd-keyfile") };
    });
    assert.is((statSync(clients[0]!.key).mode & 0o777).toString(8), "600", "the etcd client key is 0600");
    const etcdctl = (c: (typeof clients)[number], tls: { ca: string; cert: string; key: string }, args: string[]) =>
      sh("ip", ["netns", "exec", c.n.ns, "env", "ETCDCTL_API=3", "etcdctl", `--endpoints=${c.servers}`, "--dial-timeout=5s", "--command-timeout=10s",
        `--cacert=${tls.ca}`, `--cert=${tls.cert}`, `--key=${tls.key}`, ...args], { allowFail: true });
    // A round trip through every node's flags: each writes a key, the next node reads it back.
    clients.forEach((c, i) => {
      const put = etcdctl(c, c, ["put", `/registry/kubebundle-e2e/${c.n.name}`, `from ${c.n.name}`]);
      assert.is(put.code, 0, `${c.n.name} put: ${put.out}`);
      const next = clients[(i + 1) % clients.length]!;
      const got = etcdctl(next, next, ["get", `/registry/kubebundle-e2e/${c.n.name}`, "--print-value-only"]);
      assert.is(got.code, 0, `${next.n.name} get: ${got.out}`);
      assert.is(got.out, `from ${c.n.name}\n`);
    });
    // The cluster CA's admin certificate, with the unit's own CA and servers: refused (separate trust).
    const admin = { ca: clients[0]!.ca, cert: path.join(up.out, "admin/admin.pem"), key: path.join(up.out, "admin/admin-key.pem") };
    const refused = etcdctl(clients[0]!, admin, ["get", "/registry/kubebundle-e2e/m1"]);
    assert.ok(refused.code !== 0, `the admin certificate must be refused: ${refused.out}`);
    assert.not.match(refused.out, "from m1");
    // ...by the members' TLS (the same servers and CA just served the unit's own client).
    const logs = () => NODES.map((n) => readFileSync(path.join(up.work, `${n.name}.log`), "utf8")).join("\n");
    await until("a member to log the rejected admin certificate", () => /rejected connection.*(unknown authority|bad certificate|failed to verify)/.test(logs()), 15);
  } finally {
    cleanup();
  }
});

test.run();
