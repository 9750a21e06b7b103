import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MODES } from "../../src/components/layout.js";
import { LAYOUT, UNIT_NAME, workingDir } from "../helpers/components.js";
import { sha256sums } from "../../src/plan/sha256sums.js";
import { renderInstallScript, shellQuote, type InstallScriptInput } from "../../src/render/install-script.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { hasTool, needTool, ROOT, tmp, withTmp } from "../helpers/tools.js";
import { snapshot } from "../helpers/snapshot.js";

// --- a realistic bundle, built the way the generate step builds one ---

const NODE = { name: "idc-k8s-01", ip: "103.172.239.9" };
const CLUSTER = { spec: { paths: { binDir: "/opt/k8s/bin", certDir: "/etc/kubernetes/cert", configDir: "/etc/kubernetes", dataDir: "/data/k8s/k8s" } } } as unknown as Cluster;
const GOLDEN = path.join(ROOT, "test/fixtures/install/idc-k8s-01.install.sh");

interface BundleFile {
  target: string;
  mode: number;
  content: string;
  /** The units that restart when it changes; kube-controller-manager's unit when absent. */
  units?: string[];
}
interface Bundle {
  dir: string;
  script: string;
  files: BundleFile[];
  workingDir: string;
}

/** The guide's files for NODE, under `prefix` (a temp folder standing for / when testing without --root). */
function layoutFiles(prefix = ""): BundleFile[] {
  return LAYOUT.map((r) => ({ target: prefix + r.target(CLUSTER), mode: MODES[r.kind], content: contentOf(r.id, r.kind) }));
}

function contentOf(id: string, kind: string): string {
  if (kind === "cert") return `-----BEGIN CERTIFICATE-----\nMIID${id}QCCAimgAwIBAgIU\n-----END CERTIFICATE-----\n`;
  if (kind === "key") return `-----BEGIN RSA PRIVATE KEY-----\nMIIE${id}AIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n`;
  if (kind === "kubeconfig") return `apiVersion: v1\nkind: Config\ncurrent-context: system:kube-controller-manager\n`;
  return `[Unit]\nDescription=Kubernetes Controller Manager\n\n[Service]\nExecStart=/opt/k8s/bin/kube-controller-manager\n`;
}

function inputFor(files: BundleFile[], prefix = "", node = NODE, units = [UNIT_NAME]): InstallScriptInput {
  return {
    node,
    files: files.map(({ target, mode, units: u }) => ({ target, mode, units: u ?? [UNIT_NAME] })),
    dirs: [{ path: prefix + workingDir(CLUSTER), mode: 0o755 }],
    units,
    version: "0.0.0-test",
  };
}

// --- two units: a second one with its own files beside the guide's, the CA certificate shared ---

const SCHED = "kube-scheduler.service";
const BOTH = [UNIT_NAME, SCHED];

/** The guide's files (the CA certificate read by both units) and kube-scheduler's kubeconfig and unit, under `prefix`. */
function twoUnitFiles(prefix = ""): BundleFile[] {
  const kcm = layoutFiles(prefix).map((f) => (f.target.endsWith("/ca.pem") ? { ...f, units: BOTH } : f));
  return [
    ...kcm,
    { target: `${prefix}/etc/kubernetes/kube-scheduler.kubeconfig`, mode: 0o600, content: "apiVersion: v1\nkind: Config\n", units: [SCHED] },
    { target: `${prefix}/etc/systemd/system/${SCHED}`, mode: 0o644, content: "[Service]\nExecStart=/opt/k8s/bin/kube-scheduler\n", units: [SCHED] },
  ];
}

/** Writes a bundle (install.sh 0755, SHA256SUMS, rootfs/ with the files' modes) in a folder whose path holds spaces. */
function makeBundle(
  parent: string,
  opts: { prefix?: string; node?: typeof NODE; files?: BundleFile[]; units?: string[]; noBlock?: string[]; components?: InstallScriptInput["components"] } = {},
): Bundle {
  const files = opts.files ?? layoutFiles(opts.prefix);
  const input = { ...inputFor(files, opts.prefix, opts.node, opts.units), noBlockUnits: opts.noBlock, ...(opts.components ? { components: opts.components } : {}) };
  const dir = path.join(parent, "bundle dir with spaces", NODE.name);
  for (const f of files) {
    const p = path.join(dir, "rootfs", f.target);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
  writeFileSync(path.join(dir, "SHA256SUMS"), sha256sums(files.map((f) => ({ path: `rootfs${f.target}`, content: f.content }))));
  const script = path.join(dir, "install.sh");
  writeFileSync(script, renderInstallScript(input));
  chmodSync(script, 0o755);
  return { dir, script, files, workingDir: input.dirs[0]!.path };
}

// --- running it: real bash, stand-in `id` and `systemctl` only ---

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Stand-ins on PATH: `id -u` prints `uid`; `systemctl` logs its calls and answers is-active from a state file: `units`/UNIT
 *  for that unit when it exists, else `state` (shared by the units). A restart makes an inactive unit active, except a
 *  unit with `units`/UNIT.broken (the restart fails, the state stays); `enable` fails for a unit with `units`/UNIT.noenable. */
function standIns(parent: string, opts: { uid?: number; state?: string } = {}): { bin: string; log: string; state: string; units: string } {
  const bin = path.join(parent, "stand-ins");
  const log = path.join(parent, "systemctl.log");
  const state = path.join(parent, "unit.state");
  const units = path.join(parent, "unit states");
  mkdirSync(bin, { recursive: true });
  mkdirSync(units, { recursive: true });
  writeFileSync(state, `${opts.state ?? "active"}\n`);
  if (opts.uid !== undefined) {
    writeFileSync(path.join(bin, "id"), `#!/bin/sh\nif [ "$1" = -u ]; then echo ${opts.uid}; else echo "uid=${opts.uid}"; fi\n`, { mode: 0o755 });
  }
  const systemctl = [
    "#!/bin/sh",
    `printf '%s\\n' "$*" >> ${shellQuote(log)}`,
    'unit=$2; if [ "$2" = --quiet ]; then unit=$3; fi',
    `dir=${shellQuote(units)}`,
    `f=$dir/$unit; if [ -z "$unit" ] || [ ! -f "$f" ]; then f=${shellQuote(state)}; fi`,
    'state=$(cat "$f")',
    'case "$1" in',
    '  is-active) if [ "$2" != --quiet ]; then echo "$state"; fi; [ "$state" = active ] ;;',
    '  enable) if [ -e "$dir/$unit.noenable" ]; then echo "Failed to enable unit: $unit" >&2; exit 1; fi ;;',
    '  restart)',
    '    if [ -e "$dir/$unit.broken" ]; then echo "Job for $unit failed" >&2; exit 1; fi',
    '    if [ "$state" = inactive ]; then echo active > "$f"; fi ;;',
    "esac",
    "",
  ].join("\n");
  writeFileSync(path.join(bin, "systemctl"), systemctl, { mode: 0o755 });
  return { bin, log, state, units };
}

/** unitState: the stand-in systemctl's state of `unit` alone (`active`, `inactive`, `failed`...). */
function unitState(s: ReturnType<typeof standIns>, unit: string, state: string): void {
  writeFileSync(path.join(s.units, unit), `${state}\n`);
}

/** Runs install.sh by its absolute path from another folder, with `bin` first on PATH. */
function install(b: Bundle, args: string[], bin?: string): Run {
  const PATH = bin ? `${bin}:${process.env.PATH}` : process.env.PATH;
  const r = spawnSync(b.script, args, { cwd: path.dirname(path.dirname(b.dir)), encoding: "utf8", env: { ...process.env, PATH }, ...BOUNDED });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A run that hangs (a FIFO read by the script...) is killed and fails its test instead of blocking the suite. */
const BOUNDED = { timeout: 60_000, killSignal: "SIGKILL" } as const;

function ok(r: Run): Run {
  assert.is(r.code, 0, `exit ${r.code}\n${r.out}\n${r.err}`);
  return r;
}


const fileOf = (b: Bundle, suffix: string): BundleFile => b.files.find((f) => f.target.endsWith(suffix))!;
const modeOf = (p: string): number => statSync(p).mode & 0o7777;
const isRoot = process.getuid?.() === 0;

/** A fresh temp folder holding a bundle and an empty install root `T`. */
function setup(opts: Parameters<typeof makeBundle>[1] = {}): { t: ReturnType<typeof tmp>; b: Bundle; T: string } {
  const t = tmp();
  const T = path.join(t.dir, "target root");
  mkdirSync(T);
  return { t, b: makeBundle(t.dir, opts), T };
}

// --- rendering ---

const render = suite("renderInstallScript");

render("should match the golden script for the guide's first node", () => {
  const text = renderInstallScript(inputFor(layoutFiles()));
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(GOLDEN, text);
  assert.fixture(text, readFileSync(GOLDEN, "utf8"));
  assert.ok(text.startsWith("#!/usr/bin/env bash\n"));
});

render("should be clean under shellcheck, with one unit and with two", () => {
  if (!needTool("shellcheck", "install.sh lint")) return;
  withTmp((t) => {
    for (const [i, opts] of [{}, { files: twoUnitFiles(), units: BOTH }].entries()) {
      const b = makeBundle(path.join(t.dir, String(i)), opts);
      const r = spawnSync("shellcheck", ["--shell=bash", "--severity=style", b.script], { encoding: "utf8" });
      assert.is(r.status, 0, r.stdout + r.stderr);
    }
  });
});

render("should list every unit in start order, and each file's units in that order whatever the input's", () => {
  const arrayOf = (text: string, name: string) => new RegExp(`readonly ${name}=\\(\n([^)]*)\\)`).exec(text)![1]!.trim().split("\n").map((l) => l.trim());
  const files = twoUnitFiles().map((f) => (f.units === BOTH ? { ...f, units: [SCHED, UNIT_NAME] } : f));
  const text = renderInstallScript(inputFor(files, "", NODE, BOTH));
  // COMPONENTS rows: id, unit, binary ("" when not given), unit file.
  assert.equal(arrayOf(text, "COMPONENTS"), [`'kube-controller-manager' '${UNIT_NAME}' '' '/etc/systemd/system/${UNIT_NAME}'`, `'kube-scheduler' '${SCHED}' '' '/etc/systemd/system/${SCHED}'`]);
  const rows = arrayOf(text, "FILES");
  assert.is(rows.length, files.length);
  assert.ok(rows.includes(`'/etc/kubernetes/cert/ca.pem' '0644' '${UNIT_NAME} ${SCHED}'`), rows.join("\n"));
  assert.ok(rows.includes(`'/etc/systemd/system/${SCHED}' '0644' '${SCHED}'`), rows.join("\n"));
  assert.ok(rows.includes(`'/etc/systemd/system/${UNIT_NAME}' '0644' '${UNIT_NAME}'`), rows.join("\n"));
  // A file no unit reads restarts none.
  const none = renderInstallScript({ ...inputFor(layoutFiles()), files: [{ target: "/etc/motd", mode: 0o644, units: [] }] });
  assert.equal(arrayOf(none, "FILES"), ["'/etc/motd' '0644' ''"]);
});

render("should refuse an empty unit list, a bad or repeated unit name, and a file naming a unit the bundle does not have", () => {
  const base = inputFor(twoUnitFiles(), "", NODE, BOTH);
  assert.throws(() => renderInstallScript({ ...base, units: [], files: [] }), /no unit to start/);
  for (const bad of ["kube-scheduler", "kube-scheduler.socket", "a b.service", "-x.service", "x.service\nrm -rf /", "x'y.service", "$(id).service", ".service"]) {
    assert.throws(() => renderInstallScript({ ...base, units: [bad] }), /bad unit name/, JSON.stringify(bad));
  }
  assert.ok(renderInstallScript({ ...base, units: ["x@a.b_c-1.service"], files: [] }).includes("  'x@a.b_c-1' 'x@a.b_c-1.service' ''"));
  assert.throws(() => renderInstallScript({ ...base, units: [UNIT_NAME, SCHED, UNIT_NAME] }), /unit kube-controller-manager\.service is listed twice/);
  assert.throws(() => renderInstallScript({ ...base, units: [UNIT_NAME] }), /\/etc\/kubernetes\/cert\/ca\.pem names unit "kube-scheduler\.service", which is not one of the bundle's units \(kube-controller-manager\.service\)/);
  assert.throws(() => renderInstallScript({ ...base, files: [{ target: "/x", mode: 0o644, units: [SCHED, SCHED] }] }), /\/x names unit kube-scheduler\.service twice/);
});

render("should list dirs parents first: every folder above the targets and the given dirs, and the given dirs with their modes", () => {
  // The first two words of each row: path and mode (the units and the keep mark follow).
  const dirsOf = (text: string) => /readonly DIRS=\(\n([^)]*)\)/.exec(text)![1]!.trim().split("\n").map((l) => l.trim().split(" ").slice(0, 2).join(" "));
  const work = "/data/k8s/k8s/kube-controller-manager";
  const all = (workMode: string) =>
    ["/data", "/data/k8s", "/data/k8s/k8s", work, "/etc", "/etc/kubernetes", "/etc/kubernetes/cert", "/etc/systemd", "/etc/systemd/system"].map(
      (d) => `'${d}' '${d === work ? workMode : "0755"}'`,
    );
  // verify.sh lives in the working dir, so that folder is a parent of a target even when no dir is given.
  assert.equal(dirsOf(renderInstallScript({ ...inputFor(layoutFiles()), dirs: [] })), all("0755"));
  assert.equal(dirsOf(renderInstallScript({ ...inputFor(layoutFiles()), dirs: [{ path: work, mode: 0o700 }] })), all("0700"));
  const onlyCerts = layoutFiles().filter((f) => f.target.startsWith("/etc/kubernetes/cert/"));
  assert.equal(dirsOf(renderInstallScript({ ...inputFor(onlyCerts), dirs: [{ path: "/srv/a/b", mode: 0o700 }] })), [
    "'/etc' '0755'", "'/etc/kubernetes' '0755'", "'/etc/kubernetes/cert' '0755'", "'/srv' '0755'", "'/srv/a' '0755'", "'/srv/a/b' '0700'",
  ]);
});

render("should refuse a newline, CR or NUL in any value", () => {
  const base = inputFor(layoutFiles());
  assert.throws(() => renderInstallScript({ ...base, node: { name: "a\nb", ip: NODE.ip } }), /newline/);
  assert.throws(() => renderInstallScript({ ...base, node: { name: NODE.name, ip: "10.0.0.1\r" } }), /newline/);
  assert.throws(() => renderInstallScript({ ...base, version: "1\0" }), /NUL/);
  assert.throws(() => renderInstallScript({ ...base, files: [{ target: "/etc/a\nb", mode: 0o644, units: [UNIT_NAME] }] }), /newline/);
  assert.throws(() => shellQuote("\n"), /newline/);
});

render("should refuse relative or unnormalised paths, bad modes and repeats", () => {
  const base = inputFor(layoutFiles());
  for (const target of ["etc/x", "/etc/../x", "/etc//x", "/", "/etc/x/"]) {
    assert.throws(() => renderInstallScript({ ...base, files: [{ target, mode: 0o644, units: [] }] }), /absolute normalised/, target);
  }
  assert.throws(() => renderInstallScript({ ...base, dirs: [{ path: "data", mode: 0o755 }] }), /absolute normalised/);
  assert.throws(() => renderInstallScript({ ...base, files: [{ target: "/x", mode: 0o10000, units: [] }] }), /bad file mode/);
  assert.throws(() => renderInstallScript({ ...base, files: [{ target: "/x", mode: 0o644, units: [] }, { target: "/x", mode: 0o600, units: [] }] }), /twice/);
  assert.throws(() => renderInstallScript({ ...base, files: [{ target: "/x", mode: 0o644, units: [] }], dirs: [{ path: "/x", mode: 0o755 }] }), /file and a folder/);
});

render("should read back single-quoted values exactly in bash", () => {
  for (const v of ["", "it's", "$(touch pwned)", "`id`", "a;b|c&d", '"q"', "\\", "* ?[x]", "~root", "!x", "'''", "ünï cødé", "\t"]) {
    const r = spawnSync("bash", ["-c", `printf '%s' ${shellQuote(v)}`], { encoding: "utf8" });
    assert.is(r.stdout, v, JSON.stringify(v));
  }
});

render.run();

// --- running install.sh under --root ---

const root = suite("install.sh --root");

root("should change nothing with --dry-run, and list every file as new", () => {
  const { t, b, T } = setup();
  try {
    const s = standIns(t.dir);
    const before = snapshot(T, { identity: true });
    const bundleBefore = snapshot(b.dir, { identity: true });
    const r = ok(install(b, ["--root", T, "--dry-run"], s.bin));
    assert.equal(snapshot(T, { identity: true }), before);
    assert.equal(snapshot(b.dir, { identity: true }), bundleBefore);
    for (const f of b.files) assert.ok(r.out.includes(`new ${T}${f.target} (${f.mode.toString(8).padStart(4, "0")})\n`), r.out);
    assert.match(r.out, `mkdir ${T}${b.workingDir} (0755)`);
    assert.match(r.out, /dry run: \d+ change\(s\) would be made/);
    assert.not.ok(existsSync(s.log), "no systemctl call under --root");
  } finally {
    t.cleanup();
  }
});

root("should install every file with its mode and content, and create the dirs and the working dir", () => {
  const { t, b, T } = setup();
  try {
    const s = standIns(t.dir);
    const r = ok(install(b, ["--root", T], s.bin));
    for (const f of b.files) {
      assert.is(readFileSync(T + f.target, "utf8"), f.content, f.target);
      assert.is(modeOf(T + f.target), f.mode, f.target);
      if (isRoot) assert.is(statSync(T + f.target).uid, 0);
    }
    assert.ok(statSync(T + b.workingDir).isDirectory());
    assert.is(modeOf(T + b.workingDir), 0o755);
    assert.is(modeOf(`${T}/etc/kubernetes/cert`), 0o755);
    assert.match(r.out, "service: untouched (--root)");
    assert.not.ok(existsSync(s.log), "no systemctl call under --root");
    assert.not.ok(existsSync(`${T}/var/backups`));
    assert.equal(readdirSync(path.dirname(T + b.files[0]!.target)).filter((n) => n.startsWith(".kubebundle.")), []);
  } finally {
    t.cleanup();
  }
});

root("should change nothing and make no backup on a second run", () => {
  const { t, b, T } = setup();
  try {
    ok(install(b, [`--root=${T}`]));
    const before = snapshot(T, { identity: true });
    const r = ok(install(b, ["--root", T]));
    assert.equal(snapshot(T, { identity: true }), before);
    assert.match(r.out, /^no changes$/m);
    for (const f of b.files) assert.match(r.out, `unchanged ${T}${f.target}\n`);
    assert.not.ok(existsSync(`${T}/var/backups`));
  } finally {
    t.cleanup();
  }
});

root("should back up a changed file, mode kept, then replace it", () => {
  const { t, b, T } = setup();
  try {
    ok(install(b, ["--root", T]));
    const kubeconfig = b.files.find((f) => f.target.endsWith(".kubeconfig"))!;
    const ca = b.files.find((f) => f.target.endsWith("/ca.pem"))!;
    writeFileSync(T + kubeconfig.target, "old kubeconfig\n");
    chmodSync(T + kubeconfig.target, 0o640);
    const caIno = statSync(T + ca.target).ino;

    const dry = ok(install(b, ["--root", T, "--dry-run"]));
    assert.match(dry.out, `changed ${T}${kubeconfig.target} (0600)`);
    assert.match(dry.out, `unchanged ${T}${ca.target}`);
    assert.is(readFileSync(T + kubeconfig.target, "utf8"), "old kubeconfig\n");

    const r = ok(install(b, ["--root", T]));
    assert.match(r.out, `changed ${T}${kubeconfig.target} (0600), old one kept in ${T}/var/backups/kubebundle/`);
    const stamps = readdirSync(`${T}/var/backups/kubebundle`);
    assert.is(stamps.length, 1);
    assert.match(stamps[0]!, /^\d{8}T\d{6}Z$/);
    const copy = `${T}/var/backups/kubebundle/${stamps[0]}${kubeconfig.target}`;
    assert.is(readFileSync(copy, "utf8"), "old kubeconfig\n");
    assert.is(modeOf(copy), 0o640);
    assert.is(modeOf(`${T}/var/backups`), 0o755);
    assert.is(modeOf(`${T}/var/backups/kubebundle`), 0o700);
    assert.is(modeOf(`${T}/var/backups/kubebundle/${stamps[0]}/etc`), 0o700);
    assert.is(readFileSync(T + kubeconfig.target, "utf8"), kubeconfig.content);
    assert.is(modeOf(T + kubeconfig.target), 0o600);
    assert.is(statSync(T + ca.target).ino, caIno, "an identical file is not rewritten");

    const again = ok(install(b, ["--root", T]));
    assert.match(again.out, /^no changes$/m);
    assert.is(readdirSync(`${T}/var/backups/kubebundle`).length, 1);
  } finally {
    t.cleanup();
  }
});

root("should fix a wrong mode of an identical file without a backup or a rewrite", () => {
  const { t, b, T } = setup();
  try {
    ok(install(b, ["--root", T]));
    const key = b.files.find((f) => f.mode === 0o600)!;
    chmodSync(T + key.target, 0o644);
    const ino = statSync(T + key.target).ino;
    const r = ok(install(b, ["--root", T]));
    assert.match(r.out, `mode ${T}${key.target} 0644 -> 0600`);
    assert.is(modeOf(T + key.target), 0o600);
    assert.is(statSync(T + key.target).ino, ino);
    assert.not.ok(existsSync(`${T}/var/backups`));
  } finally {
    t.cleanup();
  }
});

root("should refuse a bundle with one tampered byte and install nothing", () => {
  const { t, b, T } = setup();
  try {
    const p = path.join(b.dir, "rootfs", b.files[2]!.target);
    const bytes = readFileSync(p);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 1, bytes.length - 2);
    writeFileSync(p, bytes);
    const r = install(b, ["--root", T]);
    assert.is(r.code, 1);
    assert.match(r.err, "refusing: files do not match SHA256SUMS; nothing was installed");
    assert.match(r.out + r.err, "FAILED");
    assert.equal(snapshot(T, { identity: true }), {});
  } finally {
    t.cleanup();
  }
});

root("should refuse a bundle with a missing file", () => {
  const { t, b, T } = setup();
  try {
    rmSync(path.join(b.dir, "rootfs", b.files[0]!.target));
    const r = install(b, ["--root", T]);
    assert.is(r.code, 1);
    assert.match(r.err, "do not match SHA256SUMS");
    assert.equal(snapshot(T, { identity: true }), {});
  } finally {
    t.cleanup();
  }
});

root("should refuse a file in rootfs/ that SHA256SUMS does not list", () => {
  const { t, b, T } = setup();
  try {
    writeFileSync(path.join(b.dir, "rootfs/etc/kubernetes/extra.conf"), "x\n");
    const r = install(b, ["--root", T]);
    assert.is(r.code, 1);
    assert.match(r.err, "not listed in SHA256SUMS: rootfs/etc/kubernetes/extra.conf");
    assert.equal(snapshot(T, { identity: true }), {});
  } finally {
    t.cleanup();
  }
});

root("should refuse a symlink in rootfs/ and a SHA256SUMS that lists other files", () => {
  const { t, b, T } = setup();
  try {
    symlinkSync("/etc/passwd", path.join(b.dir, "rootfs/etc/kubernetes/link"));
    assert.match(install(b, ["--root", T]).err, "not regular files: rootfs/etc/kubernetes/link");
    rmSync(path.join(b.dir, "rootfs/etc/kubernetes/link"));
    writeFileSync(path.join(b.dir, "SHA256SUMS"), sha256sums([{ path: `rootfs${b.files[0]!.target}`, content: b.files[0]!.content }]));
    const r = install(b, ["--root", T]);
    assert.is(r.code, 1);
    assert.match(r.err, "does not list exactly the files this script installs");
    assert.equal(snapshot(T, { identity: true }), {});
  } finally {
    t.cleanup();
  }
});

root("should refuse to run as non-root without --root, and install as non-root with it", () => {
  const { t, b, T } = setup();
  try {
    const s = standIns(t.dir, { uid: 1000 });
    const r = install(b, [], s.bin);
    assert.is(r.code, 1);
    assert.match(r.err, "must run as root");
    assert.is(r.out, "");
    assert.not.ok(existsSync(s.log));
    const dry = install(b, ["--dry-run"], s.bin);
    assert.is(dry.code, 1);
    ok(install(b, ["--root", T], s.bin));
    for (const f of b.files) assert.is(readFileSync(T + f.target, "utf8"), f.content);
  } finally {
    t.cleanup();
  }
});

root("should print usage for --help (exit 0) and a bad option (exit 2)", () => {
  const { t, b, T } = setup();
  try {
    const help = ok(install(b, ["--help"]));
    assert.match(help.out, "Usage: sudo ./install.sh [--dry-run] [--root DIR] [--no-start]");
    for (const args of [["--bogus"], ["--root"], ["--root", path.join(T, "missing")], ["--root", T, "extra"]]) {
      const r = install(b, args);
      assert.is(r.code, 2, args.join(" "));
      assert.match(r.err, "Usage:");
    }
    assert.equal(snapshot(T, { identity: true }), {});
  } finally {
    t.cleanup();
  }
});

root("should carry quotes and $(...) in values and paths through verbatim", () => {
  const evil = "x'y $(touch pwned1) `touch pwned2`; touch pwned3 \"q\" \\ *";
  const files = [...layoutFiles(), { target: "/etc/it's $(touch pwned4) dir/f;g", mode: 0o644, content: "odd\n" }];
  const { t, b, T } = setup({ node: { name: evil, ip: "10.0.0.1" }, files });
  try {
    const dry = ok(install(b, ["--root", T, "--dry-run"]));
    assert.match(dry.out, `bundle: node ${evil} (10.0.0.1), kubebundle 0.0.0-test, checksums OK`);
    ok(install(b, ["--root", T]));
    assert.is(readFileSync(`${T}/etc/it's $(touch pwned4) dir/f;g`, "utf8"), "odd\n");
    const cwd = path.dirname(path.dirname(b.dir));
    for (const d of [cwd, T, b.dir]) assert.equal(readdirSync(d).filter((n) => n.startsWith("pwned")), [], d);
  } finally {
    t.cleanup();
  }
});

root.run();

// --- the service, without --root: every target lives under a temp folder, so nothing outside it is written ---

const service = suite("install.sh service");

/** Runs `body` with a bundle whose absolute targets all sit under a temp folder (the guide's files, or those of `files`
 *  with the units `units`); needs real root (chown). */
function withRealRoot(
  body: (b: Bundle, s: ReturnType<typeof standIns>, prefix: string) => void,
  opts: { files?: (prefix: string) => BundleFile[]; units?: string[]; noBlock?: string[]; components?: InstallScriptInput["components"] } = {},
): void {
  if (!isRoot) {
    console.log("\n  !!! skipped: install.sh without --root needs uid 0 (it chowns to root); run the tests as root\n");
    return;
  }
  const t = tmp();
  const backups = existsSync("/var/backups/kubebundle") ? readdirSync("/var/backups/kubebundle").length : -1;
  const marks = existsSync("/var/lib/kubebundle/restart") ? readdirSync("/var/lib/kubebundle/restart").length : -1;
  try {
    const prefix = path.join(t.dir, "sysroot");
    body(makeBundle(t.dir, { prefix, files: opts.files?.(prefix), units: opts.units, noBlock: opts.noBlock, components: opts.components }), standIns(t.dir), prefix);
    const after = existsSync("/var/backups/kubebundle") ? readdirSync("/var/backups/kubebundle").length : -1;
    assert.is(after, backups, "no backup written outside the temp folder");
    const marksAfter = existsSync("/var/lib/kubebundle/restart") ? readdirSync("/var/lib/kubebundle/restart").length : -1;
    assert.is(marksAfter, marks, "no restart mark written outside the temp folder");
  } finally {
    t.cleanup();
  }
}

const calls = (log: string): string[] => (existsSync(log) ? readFileSync(log, "utf8").trimEnd().split("\n") : []);

service("should reload, enable and restart on the first install, and not restart an active unit when nothing changed", () => {
  withRealRoot((b, s) => {
    const first = ok(install(b, [], s.bin));
    assert.equal(calls(s.log), ["daemon-reload", `enable ${UNIT_NAME}`, `restart ${UNIT_NAME}`, `is-active ${UNIT_NAME}`]);
    assert.match(first.out, `service: ${UNIT_NAME} is active`);
    for (const f of b.files) assert.is(modeOf(f.target), f.mode);
    assert.ok(statSync(b.workingDir).isDirectory());

    rmSync(s.log);
    const second = ok(install(b, [], s.bin));
    assert.equal(calls(s.log), ["daemon-reload", `enable ${UNIT_NAME}`, `is-active --quiet ${UNIT_NAME}`, `is-active ${UNIT_NAME}`]);
    assert.match(second.out, /^no changes$/m);
    assert.match(second.out, "already active and nothing changed: no restart");
  });
});

service("should start a unit that waits for its peers (an etcd member) without waiting, and accept it activating", () => {
  withRealRoot(
    (b, s) => {
      unitState(s, SCHED, "activating");
      const r = ok(install(b, [], s.bin));
      assert.equal(calls(s.log), ["daemon-reload", `enable ${UNIT_NAME}`, `restart ${UNIT_NAME}`, `is-active ${UNIT_NAME}`, `enable ${SCHED}`, `restart --no-block ${SCHED}`, `is-active ${SCHED}`]);
      assert.match(r.out, `service: ${SCHED} is activating (it waits for the other nodes, an etcd quorum; install them too)`);
      // A unit that is not among them still has to be active.
      unitState(s, UNIT_NAME, "activating");
      rmSync(s.log);
      const other = install(b, [], s.bin);
      assert.is(other.code, 1, other.out + other.err);
      assert.match(other.err, `${UNIT_NAME} is activating`);
    },
    { files: twoUnitFiles, units: BOTH, noBlock: [SCHED] },
  );
});

service("should restart an inactive unit even when nothing changed", () => {
  withRealRoot((b, s) => {
    ok(install(b, [], s.bin));
    writeFileSync(s.state, "inactive\n");
    rmSync(s.log);
    const r = ok(install(b, [], s.bin));
    assert.ok(calls(s.log).includes(`restart ${UNIT_NAME}`));
    assert.match(r.out, `service: ${UNIT_NAME} is not active`);
    assert.match(r.out, `service: ${UNIT_NAME} is active`);
  });
});

service("should exit 1 when the unit does not become active", () => {
  withRealRoot((b, s) => {
    writeFileSync(s.state, "failed\n");
    const r = install(b, [], s.bin);
    assert.is(r.code, 1);
    assert.match(r.err, `${UNIT_NAME} is failed; see: journalctl -u ${UNIT_NAME}`);
  });
});

service("should neither enable nor restart with --no-start, and only ask is-active with --dry-run", () => {
  withRealRoot((b, s, prefix) => {
    const dry = ok(install(b, ["--dry-run"], s.bin));
    assert.equal(calls(s.log), [], "a first install restarts anyway: no need to ask");
    assert.match(dry.out, `systemctl restart ${UNIT_NAME}`);
    assert.not.ok(existsSync(prefix));

    const r = ok(install(b, ["--no-start"], s.bin));
    assert.equal(calls(s.log), []);
    assert.match(r.out, "not enabled or started (--no-start)");
    for (const f of b.files) assert.is(readFileSync(f.target, "utf8"), f.content);

    writeFileSync(s.state, "inactive\n");
    const dry2 = ok(install(b, ["--dry-run"], s.bin));
    assert.equal(calls(s.log), [`is-active --quiet ${UNIT_NAME}`]);
    assert.match(dry2.out, `systemctl restart ${UNIT_NAME}`);
  });
});

// Two units, in start order kube-controller-manager then kube-scheduler; the CA certificate is read by both.

/** The stand-in systemctl calls of one unit's turn: enable, then a restart or the is-active question, then the report. */
const turn = (unit: string, how: "restart" | "keep" | "ask, restart"): string[] => [
  `enable ${unit}`,
  ...(how === "restart" ? [`restart ${unit}`] : how === "keep" ? [`is-active --quiet ${unit}`] : [`is-active --quiet ${unit}`, `restart ${unit}`]),
  `is-active ${unit}`,
];

/** withTwoUnits: withRealRoot with twoUnitFiles after a first install, the systemctl log emptied; `run` installs in a
 *  private mount namespace with an empty temp folder as /var, so that the backup of a changed file stays in it. */
function withTwoUnits(body: (b: Bundle, s: ReturnType<typeof standIns>, run: (args: string[]) => Run) => void, components?: InstallScriptInput["components"]): void {
  if (!canUnshare()) return;
  if (realpathSync(tmpdir()).startsWith("/var/")) {
    console.log("\n  !!! skipped: the temp folder is under /var, which the test mounts over\n");
    return;
  }
  withRealRoot(
    (b, s, prefix) => {
      ok(install(b, [], s.bin));
      assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "restart"), ...turn(SCHED, "restart")], "the first install restarts both");
      rmSync(s.log);
      const fakeVar = path.join(path.dirname(prefix), "var");
      mkdirSync(fakeVar);
      body(b, s, (args) => unshared(b, `mount --bind ${shellQuote(fakeVar)} /var`, args, s.bin));
    },
    { files: twoUnitFiles, units: BOTH, components },
  );
}

service("should restart only the unit whose file changed, after one daemon-reload", () => {
  withTwoUnits((b, s, run) => {
    const kubeconfig = fileOf(b, "/kube-scheduler.kubeconfig");
    writeFileSync(kubeconfig.target, "old kubeconfig\n");
    const r = ok(run([]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "keep"), ...turn(SCHED, "restart")]);
    assert.match(r.out, `service: ${UNIT_NAME} already active and nothing changed: no restart\n`);
    assert.match(r.out, `service: ${UNIT_NAME} is active\n`);
    assert.match(r.out, `systemctl restart ${SCHED}\nservice: ${SCHED} is active\n`);
    assert.is(readFileSync(kubeconfig.target, "utf8"), kubeconfig.content);

    // A mode fixed on kube-controller-manager's key is a change of that unit's file only.
    chmodSync(fileOf(b, "/kube-controller-manager-key.pem").target, 0o644);
    rmSync(s.log);
    ok(run([]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "restart"), ...turn(SCHED, "keep")]);
  });
});

service("should restart both units, in start order, when the file they share changed", () => {
  withTwoUnits((b, s, run) => {
    const ca = fileOf(b, "/ca.pem");
    writeFileSync(ca.target, "old CA\n");
    const r = ok(run([]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "restart"), ...turn(SCHED, "restart")]);
    assert.match(r.out, `changed ${ca.target} (0644)`);
    assert.not.match(r.out, "no restart");
  });
});

service("should restart, on its own later --only run, a unit whose shared file an --only run of the other component changed", () => {
  const components = [
    { id: "kube-controller-manager", unit: UNIT_NAME, binary: "", unitFile: `/etc/systemd/system/${UNIT_NAME}` },
    { id: "kube-scheduler", unit: SCHED, binary: "", unitFile: `/etc/systemd/system/${SCHED}` },
  ];
  withTwoUnits((b, s, run) => {
    const ca = fileOf(b, "/ca.pem");
    writeFileSync(ca.target, "old CA\n");
    // The rollout's order: kube-controller-manager first; the CA both read is installed then, and only its unit restarts.
    ok(run(["--only", "kube-controller-manager"]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "restart")]);
    rmSync(s.log);
    // kube-scheduler's turn: nothing of its own changed now, but it still runs with the old CA: restarted, once.
    const r = ok(run(["--only", "kube-scheduler", "--json"]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(SCHED, "restart")]);
    assert.match(r.err, `service: ${SCHED}: a file it reads was changed by an earlier run that did not restart it`);
    assert.is(JSON.parse(r.out).components["kube-scheduler"].restarted, true);
    rmSync(s.log);
    ok(run(["--only", "kube-scheduler"]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(SCHED, "keep")], "the mark is gone once it restarted");
  }, components);
});

service("should restart a unit that is not active although none of its files changed, and leave the active one alone", () => {
  withTwoUnits((b, s, run) => {
    unitState(s, SCHED, "inactive");
    const r = ok(run([]));
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "keep"), ...turn(SCHED, "ask, restart")]);
    assert.match(r.out, /^no changes$/m);
    assert.match(r.out, `service: ${SCHED} is not active\nsystemctl restart ${SCHED}\nservice: ${SCHED} is active\n`);
    assert.match(r.out, `service: ${UNIT_NAME} already active and nothing changed: no restart`);
  });
});

service("should exit 1 naming the unit that stays inactive, after handling the next one", () => {
  withTwoUnits((b, s, run) => {
    // kube-controller-manager, first in start order, cannot be started; kube-scheduler's file changed.
    unitState(s, UNIT_NAME, "inactive");
    writeFileSync(path.join(s.units, `${UNIT_NAME}.broken`), "");
    writeFileSync(fileOf(b, `/${SCHED}`).target, "[Service]\nExecStart=/old\n");
    const r = run([]);
    assert.is(r.code, 1, r.out + r.err);
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "ask, restart"), ...turn(SCHED, "restart")]);
    assert.match(r.err, `install.sh: systemctl restart ${UNIT_NAME} failed\n`);
    assert.match(r.err, `install.sh: ${UNIT_NAME} is inactive; see: journalctl -u ${UNIT_NAME}\n`);
    assert.match(r.err, new RegExp(`install\\.sh: not active or not enabled: ${UNIT_NAME.replaceAll(".", "\\.")}\n$`));
    assert.match(r.out, `service: ${SCHED} is active\n`);
    assert.not.match(r.err, `${SCHED} is`);
  });
});

service("should name every unit that failed: one not active, one that could not be enabled", () => {
  withTwoUnits((b, s, run) => {
    unitState(s, UNIT_NAME, "failed");
    writeFileSync(path.join(s.units, `${SCHED}.noenable`), "");
    const r = run([]);
    assert.is(r.code, 1, r.out + r.err);
    assert.equal(calls(s.log), ["daemon-reload", ...turn(UNIT_NAME, "ask, restart"), ...turn(SCHED, "keep")]);
    assert.match(r.err, `install.sh: ${UNIT_NAME} is failed; see: journalctl -u ${UNIT_NAME}\n`);
    assert.match(r.err, `install.sh: systemctl enable ${SCHED} failed\n`);
    assert.match(r.err, `install.sh: not active or not enabled: ${UNIT_NAME} ${SCHED}\n`);
  });
});

service("should list both units with --no-start, and print each unit's steps with --dry-run", () => {
  withRealRoot(
    (b, s) => {
      const dry = ok(install(b, ["--dry-run"], s.bin));
      assert.equal(calls(s.log), [], "a first install restarts both anyway: no need to ask");
      assert.match(dry.out, ["daemon-reload", `enable ${UNIT_NAME}`, `restart ${UNIT_NAME}`, `enable ${SCHED}`, `restart ${SCHED}`].map((c) => `systemctl ${c}\n`).join(""));

      const r = ok(install(b, ["--no-start"], s.bin));
      assert.equal(calls(s.log), []);
      assert.match(r.out, `service: not enabled or started (--no-start); later: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME} ${SCHED}\n`);
      for (const f of b.files) assert.is(readFileSync(f.target, "utf8"), f.content);

      unitState(s, SCHED, "inactive");
      const dry2 = ok(install(b, ["--dry-run"], s.bin));
      assert.equal(calls(s.log), [`is-active --quiet ${UNIT_NAME}`, `is-active --quiet ${SCHED}`]);
      assert.match(dry2.out, `service: ${UNIT_NAME} already active and nothing changed: no restart\n`);
      assert.match(dry2.out, `service: ${SCHED} is not active\nsystemctl restart ${SCHED}\n`);
    },
    { files: twoUnitFiles, units: BOTH },
  );
});

service.run();

// --- install.sh stays inside its root, and finds every problem before its first change ---

/** refused: exit 1 before any change line, `needle` among the reasons, and the closing line. */
function refused(r: Run, needle: string): void {
  assert.is(r.code, 1, `exit ${r.code}\n${r.out}\n${r.err}`);
  assert.match(r.err, needle);
  assert.match(r.err, /install\.sh: nothing was installed or changed\n$/);
  assert.not.match(r.out, /^(new|changed|mkdir|mode|owner) /m);
}

/** refusedBoth: `run` refuses with `needle` under --dry-run and for real, and no folder of `watched` changes at all. */
function refusedBoth(run: (args: string[]) => Run, args: string[], needle: string, watched: string[]): void {
  const before = watched.map((d) => snapshot(d, { identity: true }));
  refused(run([...args, "--dry-run"]), needle);
  refused(run(args), needle);
  assert.equal(watched.map((d) => snapshot(d, { identity: true })), before, "nothing changed");
}

/** A folder outside the install root holding one file, for links to point at. */
function outsideDir(parent: string): string {
  const dir = path.join(parent, "outside");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "keep"), "keep\n");
  return dir;
}

/** unshared: install.sh run in a private mount namespace after the shell commands `mounts`; the mounts end with it. */
function unshared(b: Bundle, mounts: string, args: string[], bin?: string): Run {
  const PATH = bin ? `${bin}:${process.env.PATH}` : process.env.PATH;
  const r = spawnSync("unshare", ["-m", "--propagation", "private", "sh", "-c", `${mounts} && exec "$0" "$@"`, b.script, ...args], {
    cwd: path.dirname(path.dirname(b.dir)),
    encoding: "utf8",
    env: { ...process.env, PATH },
    ...BOUNDED,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let unshareWorks: boolean | undefined;
/** canUnshare: true when this process may make a private mount namespace (root, unshare present and allowed). */
function canUnshare(): boolean {
  unshareWorks ??= isRoot && hasTool("unshare") && spawnSync("unshare", ["-m", "--propagation", "private", "true"], { stdio: "ignore" }).status === 0;
  if (!unshareWorks) console.log("\n  !!! skipped: needs uid 0 and a private mount namespace (unshare -m --propagation private)\n");
  return unshareWorks;
}

const links = suite("install.sh --root: no symlink is followed");

for (const { link, backup } of [
  { link: "etc", backup: false },
  { link: "etc/kubernetes", backup: false },
  { link: "etc/kubernetes/cert", backup: false },
  { link: "data", backup: false },
  { link: "data/k8s/k8s/kube-controller-manager", backup: false },
  { link: "var", backup: true },
  { link: "var/backups", backup: true },
  { link: "var/backups/kubebundle", backup: true },
]) {
  const when = backup ? ", with a changed file to back up" : "";
  links(`should refuse DIR/${link} -> a folder outside DIR${when}: the link named, nothing changed inside or outside`, () => {
    const { t, b, T } = setup();
    try {
      const outside = outsideDir(t.dir);
      if (backup) {
        ok(install(b, ["--root", T]));
        writeFileSync(T + fileOf(b, ".kubeconfig").target, "old kubeconfig\n");
      }
      mkdirSync(path.dirname(path.join(T, link)), { recursive: true });
      symlinkSync(outside, path.join(T, link));
      refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}/${link} is a symlink (-> ${outside}); under --root`, [T, outside]);
    } finally {
      t.cleanup();
    }
  });
}

links("should refuse a symlinked folder under --root even when it stays inside DIR", () => {
  const { t, b, T } = setup();
  try {
    mkdirSync(`${T}/srv/k8s`, { recursive: true });
    mkdirSync(`${T}/etc`);
    symlinkSync("../srv/k8s", `${T}/etc/kubernetes`);
    refusedBoth((a) => install(b, a), ["--root", T], `${T}/etc/kubernetes is a symlink (-> ../srv/k8s)`, [T]);
  } finally {
    t.cleanup();
  }
});

links("should refuse a target file that is a symlink, and leave the file it points to alone", () => {
  const { t, b, T } = setup();
  try {
    const outside = outsideDir(t.dir);
    const kubeconfig = fileOf(b, ".kubeconfig");
    mkdirSync(path.dirname(T + kubeconfig.target), { recursive: true });
    symlinkSync(path.join(outside, "keep"), T + kubeconfig.target);
    const needle = `${T}${kubeconfig.target} is a symlink (-> ${outside}/keep); install.sh does not write through a link`;
    refusedBoth((a) => install(b, a), ["--root", T], needle, [T, outside]);
  } finally {
    t.cleanup();
  }
});

links.run();

const preflight = suite("install.sh: every check before the first change");

preflight("should refuse a target that is a folder before creating any folder or file", () => {
  const { t, b, T } = setup();
  try {
    const kubeconfig = fileOf(b, ".kubeconfig");
    mkdirSync(T + kubeconfig.target, { recursive: true });
    refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}${kubeconfig.target} is a folder; move it away`, [T]);
  } finally {
    t.cleanup();
  }
});

preflight("should refuse a folder of DIRS that is a file (the unit's folder) before creating the folders listed before it", () => {
  const { t, b, T } = setup();
  try {
    mkdirSync(`${T}/etc/systemd`, { recursive: true });
    writeFileSync(`${T}/etc/systemd/system`, "a file\n");
    refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}/etc/systemd/system exists and is not a folder`, [T]);
  } finally {
    t.cleanup();
  }
});

preflight("should refuse a target whose parent is a file", () => {
  const { t, b, T } = setup();
  try {
    mkdirSync(`${T}/etc/kubernetes`, { recursive: true });
    writeFileSync(`${T}/etc/kubernetes/cert`, "a file\n");
    refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}/etc/kubernetes/cert exists and is not a folder`, [T]);
  } finally {
    t.cleanup();
  }
});

preflight("should refuse a backup folder that is a file before writing the new files, and not check it when nothing is replaced", () => {
  const { t, b, T } = setup();
  try {
    ok(install(b, ["--root", T]));
    const first = b.files[0]!;
    const kubeconfig = fileOf(b, ".kubeconfig");
    rmSync(T + first.target);
    writeFileSync(T + kubeconfig.target, "old kubeconfig\n");
    mkdirSync(`${T}/var/backups`, { recursive: true });
    writeFileSync(`${T}/var/backups/kubebundle`, "a file\n");
    refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}/var/backups/kubebundle exists and is not a folder`, [T]);
    writeFileSync(T + kubeconfig.target, kubeconfig.content);
    const r = ok(install(b, ["--root", T]));
    assert.match(r.out, `new ${T}${first.target}`);
  } finally {
    t.cleanup();
  }
});

preflight("should refuse a target that is a FIFO instead of reading it", () => {
  if (!needTool("mkfifo", "FIFO target")) return;
  const { t, b, T } = setup();
  try {
    const kubeconfig = fileOf(b, ".kubeconfig");
    mkdirSync(path.dirname(T + kubeconfig.target), { recursive: true });
    assert.is(spawnSync("mkfifo", [T + kubeconfig.target]).status, 0);
    refusedBoth((a) => install(b, a), ["--root", T], `refusing: ${T}${kubeconfig.target} is not a regular file`, [T]);
  } finally {
    t.cleanup();
  }
});

preflight("should report every problem found, each on its own line", () => {
  const { t, b, T } = setup();
  try {
    const kubeconfig = fileOf(b, ".kubeconfig");
    mkdirSync(T + kubeconfig.target, { recursive: true });
    mkdirSync(`${T}/etc/systemd`, { recursive: true });
    writeFileSync(`${T}/etc/systemd/system`, "a file\n");
    const before = snapshot(T, { identity: true });
    const r = install(b, ["--root", T]);
    refused(r, `install.sh: refusing: ${T}/etc/systemd/system exists and is not a folder\n`);
    assert.match(r.err, `install.sh: refusing: ${T}${kubeconfig.target} is a folder; move it away and run again\n`);
    assert.equal(snapshot(T, { identity: true }), before);
  } finally {
    t.cleanup();
  }
});

preflight("should refuse a folder it cannot write in (a read-only mount) before the first change", () => {
  if (!canUnshare()) return;
  const { t, b, T } = setup();
  try {
    const ro = `${T}/etc/kubernetes`;
    mkdirSync(ro, { recursive: true });
    const mounts = `mount --bind ${shellQuote(ro)} ${shellQuote(ro)} && mount -o remount,bind,ro ${shellQuote(ro)}`;
    refusedBoth((a) => unshared(b, mounts, a), ["--root", T], `refusing: cannot create ${ro}/cert: ${ro} is not writable`, [T]);
  } finally {
    t.cleanup();
  }
});

preflight.run();

// --- on /: a symlinked folder is followed only when root owns it and what it leads to. The bundle's targets sit under
// a temp folder (withRealRoot); the backup folder /var/backups is a temp folder mounted over /var in a private mount
// namespace, so that the real /var is never written.

const real = suite("install.sh on /: symlinked folders");

/** PREFIX/etc/kubernetes -> a root-owned folder beside PREFIX. */
function linkedConfigDir(prefix: string): { link: string; dest: string } {
  const dest = path.join(path.dirname(prefix), "srv", "k8s");
  mkdirSync(dest, { recursive: true });
  mkdirSync(path.join(prefix, "etc"), { recursive: true });
  const link = path.join(prefix, "etc/kubernetes");
  symlinkSync(dest, link);
  return { link, dest };
}

real("should follow a root-owned symlinked folder, say so, install through it, and change nothing on a second run", () => {
  withRealRoot((b, s, prefix) => {
    const { link, dest } = linkedConfigDir(prefix);
    const r = ok(install(b, ["--no-start"], s.bin));
    assert.match(r.out, `following symlink ${link} -> ${dest} (owned by root)\n`);
    for (const f of b.files) assert.is(readFileSync(f.target, "utf8"), f.content, f.target);
    assert.ok(lstatSync(link).isSymbolicLink(), "the link is kept");
    assert.is(readFileSync(path.join(dest, "cert/ca.pem"), "utf8"), b.files[0]!.content);
    const again = ok(install(b, ["--no-start"], s.bin));
    assert.match(again.out, /^no changes$/m);
  });
});

real("should refuse a symlinked folder that root does not own", () => {
  withRealRoot((b, s, prefix) => {
    const { link, dest } = linkedConfigDir(prefix);
    lchownSync(link, 65534, 65534);
    refusedBoth((a) => install(b, a, s.bin), ["--no-start"], `refusing: ${link} is a symlink (-> ${dest}) owned by uid 65534, not root`, [prefix, dest]);
  });
});

real("should refuse a root-owned symlinked folder that leads to a folder root does not own", () => {
  withRealRoot((b, s, prefix) => {
    const { link, dest } = linkedConfigDir(prefix);
    chownSync(dest, 65534, 65534);
    const needle = `refusing: ${link} is a symlink to ${dest}, but ${dest} is owned by uid 65534, not root`;
    refusedBoth((a) => install(b, a, s.bin), ["--no-start"], needle, [prefix, dest]);
  });
});

real("should refuse a target file that is a symlink, even a root-owned one", () => {
  withRealRoot((b, s, prefix) => {
    const outside = outsideDir(path.dirname(prefix));
    const kubeconfig = fileOf(b, ".kubeconfig");
    mkdirSync(path.dirname(kubeconfig.target), { recursive: true });
    symlinkSync(path.join(outside, "keep"), kubeconfig.target);
    const needle = `refusing: ${kubeconfig.target} is a symlink (-> ${outside}/keep); install.sh does not write through a link`;
    refusedBoth((a) => install(b, a, s.bin), ["--no-start"], needle, [prefix, outside]);
  });
});

/** withVar: withRealRoot after a first install, with a changed kubeconfig (so a backup is due) and an empty folder to
 *  mount over /var; `run` installs in a private mount namespace with that folder as /var. */
function withVar(body: (b: Bundle, fakeVar: string, run: (args: string[]) => Run, prefix: string) => void): void {
  if (!canUnshare()) return;
  if (realpathSync(tmpdir()).startsWith("/var/")) {
    console.log("\n  !!! skipped: the temp folder is under /var, which the test mounts over\n");
    return;
  }
  withRealRoot((b, s, prefix) => {
    ok(install(b, ["--no-start"], s.bin));
    writeFileSync(fileOf(b, ".kubeconfig").target, "old kubeconfig\n");
    const fakeVar = path.join(path.dirname(prefix), "var");
    mkdirSync(fakeVar);
    body(b, fakeVar, (args) => unshared(b, `mount --bind ${shellQuote(fakeVar)} /var`, args, s.bin), prefix);
  });
}

real("should follow a root-owned symlinked /var/backups to keep the backup, and say so", () => {
  withVar((b, fakeVar, run) => {
    mkdirSync(path.join(fakeVar, "lib/kb"), { recursive: true });
    symlinkSync("lib/kb", path.join(fakeVar, "backups"));
    const r = ok(run(["--no-start"]));
    assert.match(r.out, "following symlink /var/backups -> /var/lib/kb (owned by root)\n");
    const stamps = readdirSync(path.join(fakeVar, "lib/kb/kubebundle"));
    assert.is(stamps.length, 1);
    const kubeconfig = fileOf(b, ".kubeconfig");
    assert.is(readFileSync(path.join(fakeVar, "lib/kb/kubebundle", stamps[0]!, kubeconfig.target), "utf8"), "old kubeconfig\n");
    assert.is(readFileSync(kubeconfig.target, "utf8"), kubeconfig.content);
  });
});

real("should refuse a symlinked /var/backups that root does not own", () => {
  withVar((_b, fakeVar, run, prefix) => {
    mkdirSync(path.join(fakeVar, "lib/kb"), { recursive: true });
    symlinkSync("lib/kb", path.join(fakeVar, "backups"));
    lchownSync(path.join(fakeVar, "backups"), 65534, 65534);
    refusedBoth(run, ["--no-start"], "refusing: /var/backups is a symlink (-> lib/kb) owned by uid 65534, not root", [prefix, fakeVar]);
  });
});

real("should refuse a /var/backups/kubebundle that is a file before writing the new files", () => {
  withVar((b, fakeVar, run, prefix) => {
    rmSync(b.files[0]!.target);
    mkdirSync(path.join(fakeVar, "backups"));
    writeFileSync(path.join(fakeVar, "backups/kubebundle"), "a file\n");
    refusedBoth(run, ["--no-start"], "refusing: /var/backups/kubebundle exists and is not a folder", [prefix, fakeVar]);
  });
});

real.run();
