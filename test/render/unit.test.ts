import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { renderUnit as renderComponentUnit, systemdWord, execPath } from "../../src/render/unit.js";
import { KCM_FLAGS } from "../../src/components/kube-controller-manager/flags.js";
import { isEmittedIn, isRemovedIn } from "../../src/components/flag-table.js";
import { KCM, kcmFlags, workingDir } from "../helpers/components.js";
import { REGISTRY } from "../../src/components/registry.js";
import type { ClusterNode } from "../../src/spec/cluster.js";
const renderUnit = (c: Cluster, n: ClusterNode) => renderComponentUnit(KCM, c, n);
const kcmExecPath = (c: Cluster) => execPath(KCM, c);
import { minorOf, supportedMinors, type KubeVersion } from "../../src/components/release.js";
import { loadSpec } from "../../src/spec/load.js";
import { InputError, type Problem } from "../../src/errors.js";
import type { Cluster } from "../../src/spec/cluster.js";
import { needTool, ROOT, run, tmp, withTmp } from "../helpers/tools.js";
import { cli } from "../helpers/cli.js";
import { environment, normalised, parseUnit, specifiers, splitWords } from "../helpers/unit-file.js";

const FIXTURES = path.join(ROOT, "test/fixtures");
const GOLDEN = path.join(ROOT, "test/golden/render");
const fixture = (name: string) => loadSpec(path.join(FIXTURES, name)).cluster;
const atRelease = (c: Cluster, v: KubeVersion): Cluster => ({ ...c, version: v, spec: { ...c.spec, kubernetesVersion: v.text } });
const MINORS = supportedMinors();
const NEWEST = MINORS.at(-1)!;
const GUIDE = fixture("valid-guide-1.16.json");

// The unit reader (systemd.syntax(7), systemd.service(5)) is test/helpers/unit-file.ts.

// --- real systemd ----------------------------------------------------------------------------------

/** unitRoot: a temporary root holding the units, a stand-in executable at each ExecStart, and the targets default dependencies need. */
function unitRoot(units: Record<string, { text: string; exec: string }>): { dir: string; cleanup(): void } {
  const t = tmp("kubebundle-unit-");
  const sys = path.join(t.dir, "etc/systemd/system");
  const lib = path.join(t.dir, "usr/lib/systemd/system");
  mkdirSync(sys, { recursive: true });
  mkdirSync(lib, { recursive: true });
  for (const target of ["sysinit.target", "basic.target", "shutdown.target", "multi-user.target"]) {
    writeFileSync(path.join(lib, target), `[Unit]\nDescription=${target}\n`);
  }
  for (const [name, u] of Object.entries(units)) {
    writeFileSync(path.join(sys, name), u.text);
    const exe = path.join(t.dir, u.exec);
    mkdirSync(path.dirname(exe), { recursive: true });
    writeFileSync(exe, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  }
  writeFileSync(path.join(sys, "kubebundle-test.target"), `[Unit]\nWants=${Object.keys(units).join(" ")}\n`);
  // The targets a unit orders itself after (etcd: network-online.target), as a system has them.
  for (const t2 of ["network.target", "network-online.target"]) writeFileSync(path.join(sys, t2), "[Unit]\n");
  run("chmod", ["-R", "a+rX", t.dir]);
  chmodSync(t.dir, 0o755);
  return t;
}

/** verify: `systemd-analyze verify --root` over every unit; returns everything it printed ("" = clean). */
function verify(units: Record<string, { text: string; exec: string }>): { code: number | null; output: string } {
  const root = unitRoot(units);
  try {
    const r = spawnSync("systemd-analyze", ["verify", `--root=${root.dir}`, ...Object.keys(units)], { encoding: "utf8" });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    root.cleanup();
  }
}

const SYSTEMD = ["/usr/lib/systemd/systemd", "/lib/systemd/systemd"].find((p) => existsSync(p));

/** shellWords: the words of systemd's dumped "Command Line" (shell quoting: "..." with \-escapes). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!);
  return words;
}

/** systemdArgv: ExecStart argv of each unit as systemd itself parses it (`systemd --test` dump), or null when it cannot run here. */
function systemdArgv(units: Record<string, { text: string; exec: string }>): Map<string, string[]> | null {
  if (!SYSTEMD) {
    console.log("\n  !!! skipped: systemd not installed (ExecStart parsed back by systemd itself)\n");
    return null;
  }
  const root = unitRoot(units);
  try {
    const asRoot = process.getuid?.() === 0;
    if (asRoot && !needTool("setpriv", "systemd --test refuses to run as root")) return null;
    const cmd = [SYSTEMD, "--test", "--system", "--unit=kubebundle-test.target", "--no-pager"];
    const env = {
      PATH: process.env.PATH,
      HOME: root.dir,
      SYSTEMD_LOG_TARGET: "console",
      SYSTEMD_UNIT_PATH: `${root.dir}/etc/systemd/system:${root.dir}/usr/lib/systemd/system`,
    };
    // The dump of every unit is about 1 MiB, spawnSync's default maxBuffer: past it the output is cut (ENOBUFS) and units
    // go missing from the parse, depending on the length of the temporary folder's name.
    const opts = { encoding: "utf8" as const, env, maxBuffer: 64 * 1024 * 1024 };
    const r = asRoot
      ? spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ...cmd], opts)
      : spawnSync(cmd[0]!, cmd.slice(1), opts);
    assert.is(r.error, undefined, `systemd --test: ${r.error}`);
    assert.is(r.status, 0, `systemd --test failed: ${r.stderr}`);
    const out = new Map<string, string[]>();
    for (const block of r.stdout.split("\n\t-> Unit ").slice(1)) {
      const name = block.slice(0, block.indexOf(":\n"));
      const line = /\n\t\t-> ExecStart:\n\t\t\tCommand Line: (.*)\n/.exec(block);
      if (name in units && line) out.set(name, shellWords(line[1]!).map(environment));
    }
    assert.equal([...out.keys()].sort(), Object.keys(units).sort(), "systemd dumped every unit");
    return out;
  } finally {
    root.cleanup();
  }
}

// --- the units under test -----------------------------------------------------------------------

const entry = (c: Cluster, node = c.nodes[0]!) => ({ text: renderUnit(c, node), exec: kcmExecPath(c) });

function goldenUnit(dir: string, name: string, text: string): void {
  const file = path.join(GOLDEN, dir, name);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  assert.fixture(text, readFileSync(file, "utf8"), `golden ${path.relative(ROOT, file)}`);
}

// ---------------------------------------------------------------------------------------------
const systemd = suite("systemdWord");

systemd("should leave plain words bare", () => {
  for (const w of ["--v=2", "--controllers=*,bootstrapsigner,tokencleaner", "--bind-address=fd00:10::11", "--x=", "/opt/k8s/bin/kube-controller-manager"]) {
    assert.is(systemdWord(w), w);
  }
});

systemd("should quote the whole word and escape what systemd would interpret", () => {
  const cases: [string, string][] = [
    ['--a=say "hi"', '"--a=say \\"hi\\""'],
    ["--a=it's", `"--a=it's"`],
    ["--a=C:\\dir\\", '"--a=C:\\\\dir\\\\"'],
    ["--a=$(reboot)", '"--a=$$(reboot)"'],
    ["--a=${HOME}$X", '"--a=$${HOME}$$X"'],
    ["--a=100%n", '"--a=100%%n"'],
    ["--a=x ; reboot", '"--a=x ; reboot"'],
    ["--a=`id`", '"--a=`id`"'],
  ];
  for (const [word, written] of cases) {
    assert.is(systemdWord(word), written, word);
    assert.equal(splitWords(specifiers(written)).map(environment), [word], `read back ${written}`);
  }
});

systemd("should refuse control characters (the loader already rejects them)", () => {
  assert.throws(() => systemdWord("--a=x\nExecStartPre=/bin/sh"), /control character/);
  assert.throws(() => systemdWord("--a=\u0000"), /control character/);
});

systemd.run();

// ---------------------------------------------------------------------------------------------
const guide = suite("renderUnit (the guide's release, 1.16)");

guide("should match the committed golden unit of every node", () => {
  for (const node of GUIDE.nodes) goldenUnit("guide-1.16", `${node.name}.service`, renderUnit(GUIDE, node));
});

/** GUIDE_DEPARTURES: the flags kubebundle sets otherwise than the guide, on purpose (README, "Departures"): the front proxy
 *  is the client front-proxy-client of the front-proxy CA, not the guide's `aggregator` of ca.pem; with `separate` trust
 *  (the default) and kube-apiserver generated, service-account tokens are signed by sa.key, not by the CA key. */
const GUIDE_DEPARTURES: Record<string, string> = {
  "--service-account-private-key-file=/etc/kubernetes/cert/sa.key": "--service-account-private-key-file=/etc/kubernetes/cert/ca-key.pem",
  "--requestheader-allowed-names=front-proxy-client": "--requestheader-allowed-names=aggregator",
  "--requestheader-client-ca-file=/etc/kubernetes/cert/front-proxy-ca.pem": "--requestheader-client-ca-file=/etc/kubernetes/cert/ca.pem",
};

guide("should carry exactly the guide's flags and values, with each node's IP, but for the departures listed", () => {
  for (const node of GUIDE.nodes) {
    const theirs = parseUnit(readFileSync(path.join(FIXTURES, "render/guide-1.16", `${node.name}.service`), "utf8"));
    const ours = parseUnit(renderUnit(GUIDE, node));
    for (const d of Object.keys(GUIDE_DEPARTURES)) assert.ok(ours.argv.includes(d), `${node.name}: ${d}`);
    assert.equal(normalised(ours.argv.map((a) => GUIDE_DEPARTURES[a] ?? a)), normalised(theirs.argv), node.name);
    assert.ok(ours.argv.includes(`--bind-address=${node.ip}`));
    assert.is(ours.argv[0], theirs.argv[0]);
  }
});

guide("should keep every other setting of the guide's unit", () => {
  const theirs = parseUnit(readFileSync(path.join(FIXTURES, "render/guide-1.16/idc-k8s-01.service"), "utf8"));
  const ours = parseUnit(renderUnit(GUIDE, GUIDE.nodes[0]!));
  assert.equal(ours.settings, theirs.settings);
  assert.equal(ours.settings["Service.Restart"], ["on-failure"]);
  assert.equal(ours.settings["Service.RestartSec"], ["5"]);
  assert.equal(ours.settings["Install.WantedBy"], ["multi-user.target"]);
});

guide("should write one flag per line, booleans as =true, values without the guide's quotes", () => {
  const lines = renderUnit(GUIDE, GUIDE.nodes[0]!).split("\n");
  const first = lines.findIndex((l) => l.startsWith("ExecStart="));
  assert.is(lines[first], "ExecStart=/opt/k8s/bin/kube-controller-manager \\");
  const args = lines.slice(first + 1, lines.indexOf("Restart=on-failure"));
  assert.is(args.length, kcmFlags(GUIDE, GUIDE.nodes[0]!).length);
  args.forEach((l, i) => assert.match(l, i < args.length - 1 ? /^ {2}--[a-z0-9-]+=\S* \\$/ : /^ {2}--[a-z0-9-]+=\S*$/, l));
  for (const l of ["--profiling=true", "--leader-elect=true", "--use-service-account-credentials=true", "--requestheader-allowed-names=front-proxy-client", "--requestheader-extra-headers-prefix=X-Remote-Extra-"]) {
    assert.ok(args.some((a) => a.trim().replace(/ \\$/, "") === l), l);
  }
});

guide.run();

// ---------------------------------------------------------------------------------------------
const releases = suite("renderUnit (every supported release)");

releases("should match the committed golden unit of every node for the newest release", () => {
  const c = atRelease(GUIDE, NEWEST);
  for (const node of c.nodes) goldenUnit("newest", `${node.name}.service`, renderUnit(c, node));
});

for (const v of MINORS) {
  releases(`should carry each table flag exactly when ${minorOf(v)} emits it, and no removed flag`, () => {
    const names = parseUnit(renderUnit(atRelease(GUIDE, v), GUIDE.nodes[0]!)).argv.slice(1).map((a) => a.slice(2, a.indexOf("=")));
    for (const row of KCM_FLAGS) {
      assert.is(names.includes(row.flag), isEmittedIn(row, v), `--${row.flag} in ${minorOf(v)}`);
      if (isRemovedIn(row, v)) assert.not.ok(names.includes(row.flag), `removed --${row.flag} in ${minorOf(v)}`);
    }
    assert.is(names.filter((n) => n.endsWith("cluster-signing-duration")).length, 1);
  });
}

releases("should have no removed flag and --cluster-signing-duration in the newest release", () => {
  const argv = parseUnit(renderUnit(atRelease(GUIDE, NEWEST), GUIDE.nodes[0]!)).argv;
  for (const row of KCM_FLAGS.filter((r) => r.removedIn)) assert.not.ok(argv.some((a) => a.startsWith(`--${row.flag}=`)), row.flag);
  assert.ok(argv.includes("--cluster-signing-duration=876000h"));
});

releases("should put ExecStart under binDir and WorkingDirectory under dataDir", () => {
  const c: Cluster = { ...GUIDE, spec: { ...GUIDE.spec, paths: { ...GUIDE.spec.paths, binDir: "/usr/local/k8s/bin", dataDir: "/var/lib/k8s" } } };
  const u = parseUnit(renderUnit(c, c.nodes[2]!));
  assert.is(u.argv[0], "/usr/local/k8s/bin/kube-controller-manager");
  assert.equal(u.settings["Service.WorkingDirectory"], ["/var/lib/k8s/kube-controller-manager"]);
  assert.is(workingDir(c), "/var/lib/k8s/kube-controller-manager");
});

releases("should bind an IPv6 node to its unbracketed address", () => {
  const c = fixture("valid-ipv6.json");
  assert.ok(parseUnit(renderUnit(c, c.nodes[0]!)).argv.includes("--bind-address=fd00:10::11"));
});

releases.run();

// ---------------------------------------------------------------------------------------------
const inject = suite("injection");

const QUOTING = fixture("valid-extra-args-quoting.json");

/** NASTY_ARGS: values the loader refuses; put straight into a Cluster they show the unit's quoting holds on its own (defence in depth). */
const NASTY_ARGS: Record<string, string> = {
  "cluster-name": "$(touch /tmp/kubebundle-pwned)",
  "x-backticks": "`id`",
  "x-semicolon": "a ; reboot",
  "x-double-quotes": 'say "hi"',
  "x-single-quote": "it's",
  "x-percent": "100%n %H",
  "x-dollar": "$HOME ${PATH} $$",
  "x-backslash": "C:\\dir\\ end\\",
  "x-spaces": "  two  spaces  ",
  "x-empty": "",
  "x-unicode": "zo\u00eb\u2192\u00fc",
};
const NASTY: Cluster = { ...QUOTING, spec: { ...QUOTING.spec, controllerManager: { ...QUOTING.spec.controllerManager, extraArgs: NASTY_ARGS } } };

inject("should pass every extraArgs value the loader accepts to the program literally, `%` doubled for systemd", () => {
  const text = renderUnit(QUOTING, QUOTING.nodes[0]!);
  const argv = parseUnit(text).argv;
  for (const [name, value] of Object.entries(QUOTING.spec.controllerManager.extraArgs)) {
    assert.ok(argv.includes(`--${name}=${value}`), `--${name}=${value}`);
  }
  assert.ok(text.includes("--x-percent=100%%n%%H"), "x-percent written with %% in the unit");
  assert.ok(text.includes("--x-all-marks=50%%,*=a:b"), "x-all-marks written with %% in the unit");
  assert.not.ok(text.replaceAll("%%", "").includes("%"), "no single % left");
});

inject("should still pass shell and systemd syntax literally when a Cluster carries it past the loader", () => {
  const argv = parseUnit(renderUnit(NASTY, NASTY.nodes[0]!)).argv;
  for (const [name, value] of Object.entries(NASTY_ARGS)) assert.ok(argv.includes(`--${name}=${value}`), `--${name}=${value}`);
});

/** specWith: the guide's spec with one change, written to a temporary file. */
function specWith(dir: string, name: string, change: (s: any) => void): string {
  const s = JSON.parse(readFileSync(path.join(FIXTURES, "valid-guide-1.16.json"), "utf8"));
  change(s);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

/** rejected: loadSpec refuses `file` with an error at `pointer`; returns that error. */
function rejected(file: string, pointer: string): Problem {
  try {
    loadSpec(file);
  } catch (e) {
    assert.instance(e, InputError);
    const errors = (e as InputError).problems.filter((p) => p.severity === "error");
    const hit = errors.find((p) => p.pointer === pointer);
    assert.ok(hit, `${pointer} in ${errors.map((p) => p.pointer).join(", ")}`);
    return hit!;
  }
  assert.unreachable(`${file} was accepted`);
  throw new Error("unreachable");
}

inject("should reject node names carrying shell or systemd syntax before rendering", () => {
  withTmp((t) => {
    const bad = ["$(reboot)", "`id`", "a;reboot", 'a"b', "a'b", "a\nb", "a b", "%n", "a$b"];
    bad.forEach((name, i) => rejected(specWith(t.dir, `name-${i}`, (s) => (s.nodes[0].name = name)), "/nodes/0/name"));
  });
});

/** INJECTIONS: extraArgs values a spec must not carry, with the character the message must name. */
const INJECTIONS: [string, string][] = [
  ["$(touch /tmp/kubebundle-pwned)", '"$"'],
  ["`id`", '"`"'],
  ["a;reboot", '";"'],
  ['say"hi"', '"\\""'],
  ["it's", `"'"`],
  ["C:\\dir", '"\\\\"'],
  ["two words", "a space"],
  ["a|b", '"|"'],
  ["a&b", '"&"'],
  ["a<b", '"<"'],
  ["a>b", '">"'],
  ["f(x)", '"("'],
  ["${PATH}", '"$"'],
  ["x{y}", '"{"'],
  ["a!b", '"!"'],
  ["a#b", '"#"'],
  ["zo\u00eb", '"\u00eb" (U+00EB)'],
];

inject("should reject extraArgs values with shell or systemd syntax, naming the first such character and the allowed set", () => {
  withTmp((t) => {
    for (const [i, [v, named]] of INJECTIONS.entries()) {
      const file = specWith(t.dir, `inject-${i}`, (s) => (s.controllerManager.extraArgs = { "cluster-name": v }));
      const p = rejected(file, "/controllerManager/extraArgs/cluster-name");
      assert.ok(p.message.includes(`; ${named} is not allowed`), `${JSON.stringify(v)}: ${p.message}`);
      assert.ok(p.message.includes(". _ , : = / * @ + % ~ [ ] -"), p.message);
    }
  });
});

inject("should make validate exit 2 for a spec carrying $(...), backticks, ';' or quotes in extraArgs", async () => {
  await withTmp(async (t) => {
    for (const [i, v] of ["$(reboot)", "`reboot`", "1;reboot", "'1'", '"1"'].entries()) {
      const file = specWith(t.dir, `cli-${i}`, (s) => (s.controllerManager.extraArgs = { "v": v }));
      const r = await cli("validate", file);
      assert.is(r.code, 2, `${v}: ${r.out}${r.err}`);
      assert.match(r.err, "/controllerManager/extraArgs/v");
    }
  });
});

inject("should reject extraArgs values with a newline or other control character, and names outside [a-z0-9-]", () => {
  withTmp((t) => {
    for (const [i, v] of ["x\nExecStartPre=/bin/sh -c reboot", "x\r", "a\u0000", "\u001b[2J"].entries()) {
      rejected(specWith(t.dir, `value-${i}`, (s) => (s.controllerManager.extraArgs = { "v": v })), "/controllerManager/extraArgs/v");
    }
    for (const [i, n] of ["x;reboot", "$(id)", "x y", "--v"].entries()) {
      const file = specWith(t.dir, `flagname-${i}`, (s) => (s.controllerManager.extraArgs = { [n]: "1" }));
      assert.throws(() => loadSpec(file), (e: unknown) => e instanceof InputError, n);
    }
  });
});

inject.run();

// ---------------------------------------------------------------------------------------------
const tools = suite("rendered units under systemd");

/** allUnits: every unit the tests render: each node of each release, plus IPv6, extraArgs and quoting specs. */
function allUnits(): Record<string, { text: string; exec: string }> {
  const units: Record<string, { text: string; exec: string }> = {};
  // Every component of the registry, each release, each node.
  for (const k of REGISTRY) {
    for (const v of MINORS) {
      const c = atRelease(GUIDE, v);
      for (const node of c.nodes) units[`${k.id}-${minorOf(v)}-${node.name}.service`] = { text: renderComponentUnit(k, c, node), exec: execPath(k, c) };
    }
  }
  for (const f of ["valid-ipv6.json", "valid-extra-args.json", "valid-extra-args-quoting.json"]) {
    const c = fixture(f);
    units[`kcm-${f.replace(/\.json$/, "")}.service`] = entry(c);
  }
  units["kcm-nasty-past-loader.service"] = entry(NASTY);
  const moved: Cluster = { ...GUIDE, spec: { ...GUIDE.spec, paths: { ...GUIDE.spec.paths, binDir: "/usr/local/k8s/bin" } } };
  units["kcm-moved-bin.service"] = entry(moved);
  return units;
}

tools("should pass systemd-analyze verify, every unit (stand-in executable in a temporary root)", () => {
  if (!needTool("systemd-analyze", "systemd-analyze verify of every rendered unit")) return;
  const units = allUnits();
  for (const k of REGISTRY) {
    assert.is(Object.keys(units).filter((n) => n.startsWith(`${k.id}-1.`)).length, MINORS.length * GUIDE.nodes.length, `${k.id}: every release, every node`);
  }
  const r = verify(units);
  assert.is(r.output, "", r.output);
  assert.is(r.code, 0);
});

tools("should make systemd-analyze verify fail without the executable (the check is real)", () => {
  if (!needTool("systemd-analyze", "systemd-analyze verify of every rendered unit")) return;
  const u = entry(GUIDE);
  const r = verify({ "kcm.service": { ...u, exec: "/elsewhere/kube-controller-manager" } });
  assert.is.not(r.code, 0);
  assert.match(r.output, "/opt/k8s/bin/kube-controller-manager is not executable");
});

tools("should give the same argv from systemd itself as from the reader above, quoting included", () => {
  const units = allUnits();
  for (const n of GUIDE.nodes) {
    units[`guide-${n.name}.service`] = { text: readFileSync(path.join(FIXTURES, "render/guide-1.16", `${n.name}.service`), "utf8"), exec: "/opt/k8s/bin/kube-controller-manager" };
  }
  const real = systemdArgv(units);
  if (!real) return;
  for (const [name, u] of Object.entries(units)) assert.equal(real.get(name), parseUnit(u.text).argv, name);
  const quoting = real.get("kcm-valid-extra-args-quoting.service")!;
  assert.ok(quoting.includes("--x-percent=100%n%H"));
  assert.ok(quoting.includes("--x-all-marks=50%,*=a:b"));
  const nasty = real.get("kcm-nasty-past-loader.service")!;
  assert.ok(nasty.includes("--cluster-name=$(touch /tmp/kubebundle-pwned)"));
  assert.ok(nasty.includes('--x-double-quotes=say "hi"'));
});

tools.run();
