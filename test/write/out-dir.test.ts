// Output folders as they are met in the field: two first runs at once into a folder whose parent does not exist yet,
// a stale lock whose pid now names another process, a symlinked --out interrupted by SIGTERM, an out/ damaged by
// hand, a mount point (tmpfs, bind mount) as --out, and a full disk. Mount and PID namespace cases run as root in
// namespaces of their own (unshare), which the kernel tears down with their last process, mounts included.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { hasTool, ROOT, tmp, withTmp } from "../helpers/tools.js";
import { ecdsaSpec } from "../helpers/specs.js";
import { snapshot } from "../helpers/snapshot.js";
import { lockText, procStart } from "../../src/write/out-tree.js";

/** SOURCE_CLI: the CLI run from source, as a command line (for the race: the code under test, whatever dist/ holds). */
const SOURCE_CLI = [process.execPath, "--import", "tsx", path.join(ROOT, "src/bin/kubebundle.ts")];
/** BUILT_CLI: the built CLI (npm test builds it first), which starts in a fraction of tsx's time. */
const BUILT_CLI = [process.execPath, path.join(ROOT, "dist/bin/kubebundle.js")];

/** Run: a spawned process and what it printed. */
interface Run {
  child: ChildProcess;
  out: string;
  err: string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** start: `cmd` spawned from the project root, its output collected; killed by stopAll if still running. */
function start(cmd: string[]): Run {
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  const r: Run = { child, out: "", err: "", done: undefined as never };
  child.stdout!.on("data", (d: Buffer) => (r.out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (r.err += d.toString()));
  r.done = new Promise((resolve) =>
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return r;
}

/** stopAll: kills every process a test started that is still running (a failed assertion leaves none behind). */
async function stopAll(): Promise<void> {
  const left = [...children];
  for (const c of left) c.kill("SIGKILL");
  await Promise.all(left.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.on("close", r)))));
}

/** withProcs: `fn`, then every process it started is stopped, also when it fails. */
async function withProcs(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    await stopAll();
  }
}

/** whenPrinted: resolves once `r` has printed a line matching `re` on stdout (or has ended). */
function whenPrinted(r: Run, re: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    if (re.test(r.out)) return resolve(true);
    r.child.stdout!.on("data", () => re.test(r.out) && resolve(true));
    void r.done.then(() => resolve(re.test(r.out)));
  });
}

/** specIn: an ECDSA spec in `dir` (its own folder), edited by `edit`. */
function specIn(dir: string, edit: (s: any) => void = () => {}): string {
  mkdirSync(dir, { recursive: true });
  return ecdsaSpec(dir, edit);
}

/** slowEdit: RSA-4096 keys, so a run is slow enough to be interrupted inside the pki stage. */
const slowEdit = (s: any) => {
  s.pki.key = { algo: "rsa", size: 4096 };
  s.nodes[0].ip = "103.172.239.10";
};

/** beside: the names next to `dir` (in its parent) other than `dir` itself and `keep`. */
function beside(dir: string, keep: string[] = []): string[] {
  return readdirSync(path.dirname(dir)).filter((n) => n !== path.basename(dir) && !keep.includes(n));
}

/** oneSpec: asserts that `out` holds one run's tree: the nodes of one of `choices` (node name lists), in the manifest,
 *  nodes/ and bundles/ alike, every certificate signed by the one CA of out/pki. Returns the choice found. */
function oneSpec(out: string, choices: string[][]): string[] {
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  const names = m.nodes.map((n: any) => n.name).sort();
  assert.ok(choices.some((c) => c.join() === names.join()), `manifest nodes ${names} are one spec's`);
  assert.equal(readdirSync(path.join(out, "nodes")).sort(), names, "nodes/ holds the manifest's nodes only");
  assert.equal(readdirSync(path.join(out, "bundles")).sort(), names.map((n: string) => `${n}.tar.gz`), "bundles/ likewise");
  const caPem = readFileSync(path.join(out, "pki/ca.pem"));
  const ca = new X509Certificate(caPem);
  for (const n of names) {
    const cert = path.join(out, "nodes", n, "rootfs/etc/kubernetes/cert");
    assert.ok(readFileSync(path.join(cert, "ca.pem")).equals(caPem), `${n}: the CA of out/pki`);
    const kcm = new X509Certificate(readFileSync(path.join(cert, "kube-controller-manager.pem")));
    assert.ok(kcm.verify(ca.publicKey), `${n}: its certificate is signed by the CA of out/pki`);
  }
  return names;
}

const race = suite("out/: two first runs into a folder whose parent does not exist");

race("should let one run write at a time: never a mix of two specs' nodes or two CAs", async () => {
  await withProcs(() =>
    withTmp(async (t) => {
      const a = specIn(path.join(t.dir, "a"), (s) => (s.nodes = [{ name: "alpha-1", ip: "10.1.0.1" }, { name: "alpha-2", ip: "10.1.0.2" }]));
      const b = specIn(path.join(t.dir, "b"), (s) => (s.nodes = [{ name: "beta-1", ip: "10.2.0.1" }, { name: "beta-2", ip: "10.2.0.2" }, { name: "beta-3", ip: "10.2.0.3" }]));
      const choices = [["alpha-1", "alpha-2"], ["beta-1", "beta-2", "beta-3"]];
      for (let round = 0; round < 3; round++) {
        const out = path.join(t.dir, `round-${round}`, "deeper", "out");
        const runs = [start([...SOURCE_CLI, "generate", a, "--out", out, "--quiet"]), start([...SOURCE_CLI, "generate", b, "--out", out, "--quiet"])];
        const ends = await Promise.all(runs.map((r) => r.done));
        for (const [i, e] of ends.entries()) {
          assert.ok(e.code === 0 || e.code === 2, `round ${round}: run ${i} exit ${e.code}: ${runs[i]!.err}`);
          if (e.code === 2) assert.match(runs[i]!.err, /another kubebundle run \(pid \d+\) is writing it/);
        }
        assert.ok(ends.some((e) => e.code === 0), `round ${round}: one run wrote out/`);
        oneSpec(out, choices);
        assert.equal(beside(out), [], `round ${round}: no lock or scratch folder left`);
      }
    }),
  );
});

race("should create the parent folder for the lock, and remove it again when the run fails", async () => {
  await withTmp(async (t) => {
    const broken = path.join(t.dir, "broken.json");
    writeFileSync(broken, '{"nodes": [}');
    const r = await cli("generate", broken, "--out", path.join(t.dir, "new", "deeper", "out"));
    assert.is(r.code, 2, r.err);
    assert.equal(readdirSync(t.dir), ["broken.json"], "no folder left by a failed run");
  });
});

race.run();

const stale = suite("out/: a stale lock whose pid names another process");

/** bootId: this boot's id, as the lock records it. */
const bootId = () => lockText().trim().split(" ")[2]!;

stale("should take over a lock whose pid is alive but started at another time (the pid was reused)", async () => {
  if (procStart(process.ppid) === undefined) {
    console.log("\n  !!! skipped: /proc not available (process start times)\n");
    return;
  }
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const lock = path.join(t.dir, ".out.kubebundle.lock");
    // The test's parent process: alive, not kubebundle, and not started at tick 1.
    writeFileSync(lock, `${process.ppid} 1 ${bootId()}\n`);
    const r = await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet");
    assert.is(r.code, 0, r.err);
    assert.not.ok(existsSync(lock), "the lock is released");
    // The same pid with its real start time is a live holder; from another boot it is not.
    writeFileSync(lock, `${process.ppid} ${procStart(process.ppid)} ${bootId()}\n`);
    const busy = await cli("generate", ecdsaSpec(t.dir, (s) => s.nodes.pop()), "--out", out, "--quiet");
    assert.is(busy.code, 2);
    assert.match(busy.err, new RegExp(`another kubebundle run \\(pid ${process.ppid}\\) is writing it`));
    writeFileSync(lock, `${process.ppid} ${procStart(process.ppid)} 00000000-0000-0000-0000-000000000000\n`);
    const other = await cli("generate", ecdsaSpec(t.dir, (s) => s.nodes.pop()), "--out", out, "--quiet");
    assert.is(other.code, 0, other.err);
    assert.equal(readdirSync(t.dir).sort(), ["cluster.json", "out"]);
  });
});

/** pidNamespaces: true when this process may run commands in PID namespaces of their own (root, unshare). */
function pidNamespaces(): boolean {
  if (!hasTool("unshare") || spawnSync("unshare", ["-pf", "--mount-proc", "true"], { stdio: "ignore" }).status !== 0) {
    console.log("\n  !!! skipped: PID namespaces not available (unshare -pf --mount-proc needs root)\n");
    return false;
  }
  return true;
}

stale("should not be blocked by the lock of a killed run whose pid now names an unrelated process", async () => {
  if (!pidNamespaces()) return;
  await withProcs(() =>
    withTmp(async (t) => {
      const out = path.join(t.dir, "out");
      const lock = path.join(t.dir, ".out.kubebundle.lock");
      // A run that is pid 1 of its PID namespace (as in a container) is killed while it holds the lock.
      const first = start(["unshare", "-pf", "--mount-proc", "--kill-child=SIGKILL", ...BUILT_CLI, "generate", specIn(path.join(t.dir, "slow"), slowEdit), "--out", out]);
      assert.ok(await whenPrinted(first, /validated/), first.err);
      first.child.kill("SIGKILL");
      await first.done;
      assert.match(readFileSync(lock, "utf8"), /^1\b/, "the killed run's lock names pid 1");
      // The next run's namespace has pid 1 too: a shell, alive and no kubebundle.
      const next = start(["unshare", "-pf", "--mount-proc", "sh", "-c", '"$@"; exit $?', "sh", ...BUILT_CLI, "generate", specIn(path.join(t.dir, "fast")), "--out", out, "--quiet"]);
      const end = await next.done;
      assert.is(end.code, 0, next.err);
      assert.not.ok(existsSync(lock));
      oneSpec(out, [["idc-k8s-01", "idc-k8s-02", "idc-k8s-03"]]);
    }),
  );
});

stale.run();

const signal = suite("out/: a symlinked --out interrupted");

signal("should leave no lock or scratch folder beside the link or its target after SIGTERM, and out/ as it was", async () => {
  await withProcs(() =>
    withTmp(async (t) => {
      const real = path.join(t.dir, "real", "out");
      const link = path.join(t.dir, "links", "out");
      mkdirSync(path.dirname(link));
      const spec = specIn(path.join(t.dir, "spec"));
      assert.is((await cli("generate", spec, "--out", real, "--quiet")).code, 0);
      symlinkSync(real, link);
      const before = snapshot(real, { identity: true });
      const r = start([...BUILT_CLI, "generate", specIn(path.join(t.dir, "slow"), slowEdit), "--out", link]);
      assert.ok(await whenPrinted(r, /validated/), r.err);
      assert.ok(existsSync(path.join(t.dir, "real", ".out.kubebundle.lock")), "the lock is beside the link's target");
      r.child.kill("SIGTERM");
      const end = await r.done;
      assert.is(end.code, 143, r.err);
      assert.match(r.err, /interrupted \(SIGTERM\)/);
      assert.equal(beside(real), [], "nothing left beside the target");
      assert.equal(beside(link), [], "nothing left beside the link");
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.equal(snapshot(real, { identity: true }), before);
    }),
  );
});

signal.run();

const damaged = suite("out/: damaged by hand");

/** template: one out/ generated from ecdsaSpec, copied for each case (made on first use, removed after the suite). */
let template: { dir: string; cleanup(): void } | undefined;
damaged.after(() => template?.cleanup());

/** damage: out/ generated, then changed by `edit`; a run (`spec` changed or not) must exit 2 naming `where` and change
 *  nothing (beside out/, `edit` may leave a folder named "elsewhere"). */
async function damage(edit: (out: string) => void, where: string, message: RegExp, respec?: (s: any) => void): Promise<void> {
  if (!template) {
    template = tmp();
    assert.is((await cli("generate", ecdsaSpec(template.dir), "--out", path.join(template.dir, "out"), "--quiet")).code, 0);
  }
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    cpSync(path.join(template!.dir, "out"), out, { recursive: true, preserveTimestamps: true });
    edit(out);
    const before = snapshot(out, { identity: true });
    const r = await cli("generate", ecdsaSpec(t.dir, respec), "--out", out);
    assert.is(r.code, 2, r.err);
    assert.not.match(r.err, /internal error/);
    assert.ok(r.err.includes(path.join(out, where)), r.err);
    assert.match(r.err, message);
    assert.equal(snapshot(out, { identity: true }), before, "nothing under out/ changed");
    assert.equal(readdirSync(t.dir).filter((n) => n !== "elsewhere").sort(), ["cluster.json", "out"], "nothing left beside out/");
  });
}

const editManifest = (change: (m: any) => void) => (out: string) => {
  const m = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
  change(m);
  writeFileSync(path.join(out, "manifest.json"), JSON.stringify(m, null, 2));
};
const moveIp = (s: any) => (s.nodes[0].ip = "103.172.239.10");

damaged('should refuse "nodes": 5 in manifest.json (the no-change path and a changed spec alike)', async () => {
  const nodes5 = editManifest((m) => (m.nodes = 5));
  await damage(nodes5, "manifest.json", /\/nodes: is not a list: manifest\.json was changed by hand or damaged \(try: restore it/);
  await damage(nodes5, "manifest.json", /\/nodes: is not a list/, moveIp);
});

damaged("should refuse other fields of manifest.json that a run reads back, with their JSON pointer", async () => {
  await damage(editManifest((m) => delete m.nodes[1].bundle.sha256), "manifest.json", /\/nodes\/1\/bundle\/sha256: a string is missing/);
  await damage(editManifest((m) => (m.certificates[0].file = ["x"])), "manifest.json", /\/certificates\/0\/file: is not a string/, moveIp);
  await damage(editManifest((m) => (m.nodes[0].bundle.file = "../../elsewhere.tar.gz")), "manifest.json", /\/nodes\/0\/bundle\/file: is not bundles\/idc-k8s-01\.tar\.gz/, moveIp);
});

damaged("should refuse out/nodes as a symlink and out/bundles as a file", async () => {
  await damage(
    (out) => {
      const elsewhere = path.join(path.dirname(out), "elsewhere");
      renameSync(path.join(out, "nodes"), elsewhere);
      symlinkSync(elsewhere, path.join(out, "nodes"));
    },
    "nodes",
    /is a symbolic link where kubebundle keeps a folder: out\/ was changed by hand/,
  );
  await damage(
    (out) => {
      rmSync(path.join(out, "bundles"), { recursive: true });
      writeFileSync(path.join(out, "bundles"), "x");
    },
    "bundles",
    /is a file where kubebundle keeps a folder/,
    moveIp,
  );
});

damaged("should refuse a folder where a file of kubebundle's goes, and a file where its folder goes", async () => {
  await damage(
    (out) => {
      rmSync(path.join(out, "nodes/idc-k8s-02/install.sh"));
      mkdirSync(path.join(out, "nodes/idc-k8s-02/install.sh"));
    },
    "nodes/idc-k8s-02/install.sh",
    /is a folder where kubebundle keeps a file/,
    moveIp,
  );
  await damage(
    (out) => {
      rmSync(path.join(out, "nodes/idc-k8s-03/rootfs"), { recursive: true });
      writeFileSync(path.join(out, "nodes/idc-k8s-03/rootfs"), "x");
    },
    "nodes/idc-k8s-03/rootfs",
    /is a file where kubebundle keeps a folder/,
    moveIp,
  );
});

damaged.run();

// Mount points and full disks: each case is one bash script run in a private mount namespace of its own, where it
// mounts what it needs, runs the CLI and copies out/ to a folder outside the mounts (`$RES/<step>`) after each step;
// its mounts end with it. Steps print `step NAME CODE` on stdout and their stderr to `$RES/<step>.err`.

/** mountNamespaces: true when private mount namespaces with tmpfs mounts work here (root, unshare). */
function mountNamespaces(): boolean {
  const probe = spawnSync("unshare", ["-m", "--propagation", "private", "sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=64k kubebundle-probe "$d" && umount "$d" && rmdir "$d"'], { stdio: "ignore" });
  if (!hasTool("unshare") || probe.status !== 0) {
    console.log("\n  !!! skipped: mount namespaces not available (unshare -m and mount -t tmpfs need root)\n");
    return false;
  }
  return true;
}

/** STEP: the bash function the scripts use: `step NAME ARGS...` runs the CLI, prints `step NAME CODE` and copies out/. */
const STEP = `
step() {
  local name=$1; shift
  "$@" >"$RES/$name.out" 2>"$RES/$name.err"
  echo "step $name $?"
  [ -e "$O" ] && cp -a "$O" "$RES/$name"
  ls -A "\${BESIDE:-$(dirname "$O")}" >"$RES/$name.beside"
}
kb() { ${BUILT_CLI.map((a) => `'${a}'`).join(" ")} "$@"; }
`;

/** inMountNs: runs `script` (bash) in a private mount namespace with O, RES and the specs in its environment; returns
 *  each step's exit code and a reader of what it left in RES. */
function inMountNs(t: { dir: string }, script: string, env: Record<string, string>) {
  const res = path.join(t.dir, "res");
  mkdirSync(res, { recursive: true });
  const r = spawnSync("unshare", ["-m", "--propagation", "private", "bash", "-c", `set -u\n${STEP}\n${script}`], { cwd: ROOT, env: { ...process.env, RES: res, ...env }, encoding: "utf8", timeout: 240_000 });
  assert.is(r.status, 0, `script: ${r.stderr}`);
  const codes = Object.fromEntries([...r.stdout.matchAll(/^step (\S+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
  const read = (name: string, what: "err" | "beside") => readFileSync(path.join(res, `${name}.${what}`), "utf8");
  return { codes, tree: (name: string) => snapshot(path.join(res, name)), err: (n: string) => read(n, "err"), beside: (n: string) => read(n, "beside").split("\n").filter(Boolean) };
}

const mounts = suite("out/: a mount point as --out, and a full disk");

mounts("should update an --out that is a tmpfs mount point, keep the user's files, and leave nothing inside or beside it", async () => {
  if (!mountNamespaces()) return;
  await withTmp(async (t) => {
    const o = path.join(t.dir, "mnt", "out");
    mkdirSync(o, { recursive: true });
    const r = inMountNs(t, `
mount -t tmpfs -o size=8m,mode=0750 kubebundle-test "$O"
step first kb generate "$A" --out "$O" --quiet
echo mine >"$O/NOTES.md"; echo mine >"$O/pki/site-root.pem"
step changed kb generate "$B" --out "$O" --quiet
step again kb generate "$B" --out "$O"
stat -c %a "$O" >"$RES/mode"
`, { O: o, A: ecdsaSpec(t.dir), B: specIn(path.join(t.dir, "b"), moveIp) });
    assert.equal(r.codes, { first: 0, changed: 0, again: 0 }, r.err("first") + r.err("changed"));
    const after = r.tree("changed");
    assert.is.not(after["nodes/idc-k8s-01/install.sh"], r.tree("first")["nodes/idc-k8s-01/install.sh"], "the changed run was written");
    assert.match(readFileSync(path.join(t.dir, "res/changed/manifest.json"), "utf8"), /103\.172\.239\.10/);
    assert.is(readFileSync(path.join(t.dir, "res/changed/NOTES.md"), "utf8"), "mine\n");
    assert.is(readFileSync(path.join(t.dir, "res/changed/pki/site-root.pem"), "utf8"), "mine\n");
    assert.equal(Object.keys(after).filter((k) => k.startsWith(".kubebundle-")), [], "no scratch folder left inside");
    assert.equal(r.beside("changed"), ["out"], "no lock or scratch folder left beside");
    assert.equal(r.tree("again"), after);
    assert.match(readFileSync(path.join(t.dir, "res/again.out"), "utf8"), /no changes/);
    assert.is(readFileSync(path.join(t.dir, "res/mode"), "utf8").trim(), "750", "the mount point keeps its mode");
  });
});

mounts("should update an --out bind-mounted onto itself (same file system: rename says EBUSY)", async () => {
  if (!mountNamespaces()) return;
  await withTmp(async (t) => {
    const o = path.join(t.dir, "out");
    mkdirSync(o);
    const r = inMountNs(t, `
mount --bind "$O" "$O"
step first kb generate "$A" --out "$O" --quiet
step changed kb generate "$B" --out "$O" --quiet
`, { O: o, A: ecdsaSpec(t.dir), B: specIn(path.join(t.dir, "b"), moveIp) });
    assert.equal(r.codes, { first: 0, changed: 0 }, r.err("first") + r.err("changed"));
    assert.not.match(r.err("changed"), /EBUSY/);
    assert.match(readFileSync(path.join(t.dir, "res/changed/manifest.json"), "utf8"), /103\.172\.239\.10/);
    assert.equal(r.beside("changed").filter((n) => n !== "out" && n !== "res" && n !== "b" && n !== "cluster.json"), []);
  });
});

mounts("should leave the old contents of a mount point when the swap fails part-way (an entry inside that cannot be moved)", async () => {
  if (!mountNamespaces()) return;
  await withTmp(async (t) => {
    const o = path.join(t.dir, "mnt", "out");
    mkdirSync(o, { recursive: true });
    // out/nodes bind-mounted onto itself cannot be renamed: the swap fails at nodes/, after .gitignore, admin/,
    // bundles/ and check-ha.sh have been swapped, and must roll those back.
    const r = inMountNs(t, `
mount -t tmpfs -o size=8m kubebundle-test "$O"
step first kb generate "$A" --out "$O" --quiet
mount --bind "$O/nodes" "$O/nodes"
step failed kb generate "$B" --out "$O" --quiet
`, { O: o, A: ecdsaSpec(t.dir), B: specIn(path.join(t.dir, "b"), moveIp) });
    assert.equal(r.codes, { first: 0, failed: 2 }, r.err("failed"));
    assert.match(r.err("failed"), new RegExp(`${o}: cannot write the output folder: .*EBUSY, at ${o}/nodes\\b.*left as it was`));
    assert.not.match(r.err("failed"), /internal error/);
    assert.equal(r.tree("failed"), r.tree("first"), "the old contents, all of them");
    assert.equal(r.beside("failed"), ["out"]);
  });
});

mounts("should fail a full disk with exit 2 naming out/, leaving out/ (or no out/) as it was and nothing beside it", async () => {
  if (!mountNamespaces()) return;
  await withTmp(async (t) => {
    const m = path.join(t.dir, "mnt");
    mkdirSync(m);
    // fill: leaves about 64 KiB free on the file system of $1 (less than any changed run needs).
    const r = inMountNs(t, `
fill() { local free; free=$(df --output=avail -B1 "$1" | tail -1); head -c $((free - 65536)) /dev/zero >"$1/$2" 2>/dev/null || true; }
O="$M/out"
mount -t tmpfs -o size=4m kubebundle-test "$M"
step first kb generate "$A" --out "$O" --quiet
fill "$M" filler
step full kb generate "$B" --out "$O" --quiet
O="$M/new/deeper/out"
BESIDE=$M step fresh kb generate "$A" --out "$O" --quiet
rm "$M/filler"
O="$M/out"
step freed kb generate "$B" --out "$O" --quiet
`, { M: m, A: ecdsaSpec(t.dir), B: specIn(path.join(t.dir, "b"), moveIp) });
    assert.equal(r.codes, { first: 0, full: 2, fresh: 2, freed: 0 }, r.err("full") + r.err("fresh"));
    assert.match(r.err("full"), new RegExp(`${m}/out: cannot write the output folder: no space left on the device \\(ENOSPC`));
    assert.match(r.err("fresh"), /ENOSPC/);
    for (const s of ["full", "fresh"]) assert.not.match(r.err(s), /internal error/);
    assert.equal(r.tree("full"), r.tree("first"), "out/ as it was");
    assert.equal(r.beside("full"), ["filler", "out"], "no scratch folder or lock left");
    assert.equal(r.beside("fresh"), ["filler", "out"], "a first run leaves no folder behind");
    assert.match(readFileSync(path.join(t.dir, "res/freed/manifest.json"), "utf8"), /103\.172\.239\.10/);
  });
});

mounts("should fail a full or read-only tmpfs mounted as --out with exit 2, its old contents kept", async () => {
  if (!mountNamespaces()) return;
  await withTmp(async (t) => {
    const o = path.join(t.dir, "mnt", "out");
    mkdirSync(o, { recursive: true });
    const r = inMountNs(t, `
mount -t tmpfs -o size=3m kubebundle-test "$O"
step first kb generate "$A" --out "$O" --quiet
free=$(df --output=avail -B1 "$O" | tail -1); head -c $((free - 65536)) /dev/zero >"$O/filler" 2>/dev/null
step full kb generate "$B" --out "$O" --quiet
rm "$O/filler"
mount -o remount,ro "$O"
step readonly kb generate "$B" --out "$O" --quiet
`, { O: o, A: ecdsaSpec(t.dir), B: specIn(path.join(t.dir, "b"), moveIp) });
    assert.equal(r.codes, { first: 0, full: 2, readonly: 2 }, r.err("full") + r.err("readonly"));
    assert.match(r.err("full"), new RegExp(`${o}: cannot write the output folder: no space left on the device \\(ENOSPC`));
    assert.match(r.err("readonly"), new RegExp(`${o}: cannot write the output folder: the file system is read-only \\(EROFS`));
    const before = r.tree("first");
    assert.equal(r.tree("readonly"), before, "read-only: the old contents");
    assert.equal(r.beside("readonly"), ["out"]);
    const after = r.tree("full");
    delete after["filler"];
    assert.equal(after, before, "the old contents, nothing inside left over");
    assert.equal(r.beside("full"), ["out"]);
  });
});

mounts.run();
