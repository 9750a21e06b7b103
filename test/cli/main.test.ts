import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cli } from "../helpers/cli.js";
import { hasTool, nobodyCanRead, ROOT, withTmp } from "../helpers/tools.js";
import { EXAMPLE, ecdsaSpec } from "../helpers/specs.js";

const test = suite("main: the command line");


test("should stop at a mistyped option before doing anything (exit 2, out/ not created)", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const r = await cli("generate", EXAMPLE, "--out", out, "--frce");
    assert.is(r.code, 2);
    assert.match(r.err, /^error: Unknown argument: frce \(see kubebundle generate --help\)$/);
    assert.not.ok(existsSync(out), "nothing written");
    assert.is(r.out, "");
  });
});

test("should not print a summary when validate gets an unknown option", async () => {
  const r = await cli("validate", EXAMPLE, "--bogus");
  assert.is(r.code, 2);
  assert.is(r.out, "");
  assert.match(r.err, /Unknown argument: bogus/);
});

test("should name a mistyped command as a command, with the commands there are, and an extra argument as an argument", async () => {
  for (const [argv, word] of [
    [["generat", EXAMPLE], "generat"],
    [["--force", "valdate"], "valdate"],
    [["-q", "generat"], "generat"],
    [["--out", "o", "inspct", "out"], "inspct"],
    [[""], '""'],
  ] as const) {
    const r = await cli(...argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.match(r.err, new RegExp(`^error: unknown command: ${word}; name a command: validate, generate or inspect \\(see kubebundle --help\\)$`), argv.join(" "));
  }
  const extra = await cli("validate", EXAMPLE, "extra");
  assert.is(extra.code, 2);
  assert.match(extra.err, /Unknown argument: extra/);
  for (const argv of [[], ["--", "generate"], ["-q"]]) {
    const r = await cli(...argv);
    assert.is(r.code, 2, argv.join(" "));
    assert.match(r.err, /^error: name a command: validate, generate or inspect \(see kubebundle --help\)$/, argv.join(" "));
  }
});

test("should show help for 'help', --help and -h, and the version for --version, on every command", async () => {
  for (const argv of [["help"], ["--help"], ["-h"]]) {
    const r = await cli(...argv);
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /Commands:\n {2}kubebundle validate \[spec\][^]*kubebundle generate \[spec\][^]*kubebundle inspect <path>/);
    assert.not.match(r.out, /\[words\.\.\]|--force|--quiet/, "the catch-all and the commands' options stay out of the top help");
  }
  const version = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
  assert.is((await cli("--version")).out, version);
  for (const command of ["validate", "generate", "inspect"]) {
    const help = await cli(command, "--help");
    assert.is(help.code, 0, help.err);
    assert.match(help.out, new RegExp(`^kubebundle ${command} `));
    assert.match(help.out, /--json/);
    const v = await cli(command, "--version");
    assert.is(v.code, 0, v.err);
    assert.is(v.out, version);
  }
});

test("should refuse a switch given a value other than true or false, before doing anything", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    for (const [argv, name] of [
      [["validate", EXAMPLE, "--json=foo"], "--json"],
      [["generate", EXAMPLE, "--out", out, "--quiet=yes"], "--quiet"],
      [["generate", EXAMPLE, "--out", out, "-q=1"], "-q"],
      [["inspect", EXAMPLE, "--json="], "--json"],
    ] as const) {
      const r = await cli(...argv);
      assert.is(r.code, 2, argv.join(" "));
      assert.is(r.out, "");
      assert.match(r.err, new RegExp(`^error: ${name} is a switch: give it alone \\(or =true, =false\\), not =`));
    }
    assert.not.ok(existsSync(out), "nothing written");
    // A switch another command has is that command's: validate has no --force, which yargs says.
    const other = await cli("validate", EXAMPLE, "--force=yes");
    assert.is(other.code, 2);
    assert.match(other.err, /Unknown argument: force/);
    const off = await cli("validate", EXAMPLE, "--json=false");
    assert.is(off.code, 0);
    assert.match(off.out, /: valid\n/);
    assert.is(JSON.parse((await cli("validate", EXAMPLE, "--json=true")).out).valid, true);
  });
});

test("should print a usage error as JSON on stdout when yargs read --json, as a line on stderr otherwise", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const r = await cli("generate", EXAMPLE, "--json", "--out", out, "--frce");
    assert.is(r.code, 2);
    assert.is(r.err, "");
    assert.equal(JSON.parse(r.out), {
      error: "usage",
      problems: [{ file: "", pointer: "", message: "Unknown argument: frce", hint: "kubebundle generate --help", severity: "error" }],
    });
    const unknown = await cli("--json", "valdate");
    assert.is(unknown.code, 2);
    assert.match(JSON.parse(unknown.out).problems[0].message, /^unknown command: valdate; name a command: validate, generate or inspect$/);
    const v = await cli("validate", EXAMPLE, "--json", "extra");
    assert.is(v.code, 2);
    assert.is(JSON.parse(v.out).valid, false, "validate's JSON says valid: false on every failure");
    // --json given a bad value is the mistake itself: yargs read it as false.
    const bad = await cli("generate", EXAMPLE, "--out", out, "--json=yes");
    assert.is(bad.code, 2);
    assert.is(bad.out, "");
    assert.match(bad.err, /^error: --json is a switch/);
    assert.not.ok(existsSync(out), "nothing written");
  });
});

test("generate --json should print its failures as JSON on stdout: each problem with its place and hint", async () => {
  await withTmp(async (t) => {
    const out = path.join(t.dir, "out");
    const spec = path.join(ROOT, "test/fixtures/spec/invalid-cidr-host-bits.json");
    const r = await cli("generate", spec, "--out", out, "--json");
    assert.is(r.code, 2);
    assert.is(r.err, "");
    const j = JSON.parse(r.out);
    assert.is(j.error, "spec-invalid");
    assert.equal(j.problems, [{ file: spec, pointer: "/serviceCIDR", message: "has host bits set", hint: "10.254.0.0/16", severity: "error", line: 2, col: 18 }]);
    assert.not.ok(existsSync(out), "nothing written");
    // A failure without a place in a file is about the output folder.
    writeFileSync(path.join(t.dir, ".out.kubebundle.lock"), String(process.ppid));
    const busy = await cli("generate", EXAMPLE, "--out", out, "--json");
    assert.is(busy.code, 2);
    const b = JSON.parse(busy.out);
    assert.is(b.error, "out-busy");
    assert.is(b.problems.length, 1);
    assert.is(b.problems[0].file, out);
    assert.is(b.problems[0].pointer, "");
    assert.match(b.problems[0].message, new RegExp(`another kubebundle run \\(pid ${process.ppid}\\)`));
  });
});

test("should ask for the PATH of inspect", async () => {
  const r = await cli("inspect");
  assert.is(r.code, 2);
  assert.match(r.err, /Not enough non-option arguments/);
  assert.not.match(r.err, /undefined/);
});

test("should refuse an --out that cannot be a folder, with exit 2 and no stack trace", async () => {
  await withTmp(async (t) => {
    const file = path.join(t.dir, "file");
    writeFileSync(file, "x");
    for (const out of [path.join(file, "out"), file, ""]) {
      const r = await cli("generate", EXAMPLE, "--out", out);
      assert.is(r.code, 2, `--out ${JSON.stringify(out)}: ${r.err}`);
      assert.not.match(r.err, /internal error|\n\s+at /);
    }
  });
});

test("should refuse an output folder another live run holds", async () => {
  await withTmp(async (t) => {
    writeFileSync(path.join(t.dir, ".out.kubebundle.lock"), String(process.ppid));
    const r = await cli("generate", EXAMPLE, "--out", path.join(t.dir, "out"));
    assert.is(r.code, 2);
    assert.match(r.err, new RegExp(`another kubebundle run \\(pid ${process.ppid}\\)`));
  });
});

test("should create no folder for a run that fails", async () => {
  await withTmp(async (t) => {
    const bad = path.join(t.dir, "bad.json");
    writeFileSync(bad, "{");
    const r = await cli("generate", bad, "--out", path.join(t.dir, "deep/er/out"));
    assert.is(r.code, 2);
    assert.not.ok(existsSync(path.join(t.dir, "deep")), "no parent folders left behind");
  });
});

test("should take the last of a repeated --out and refuse --out without a value", async () => {
  await withTmp(async (t) => {
    const none = await cli("generate", EXAMPLE, "--out");
    assert.is(none.code, 2);
    assert.match(none.err, /Not enough arguments following: out/);
    const a = path.join(t.dir, "a");
    const b = path.join(t.dir, "b");
    const spec = ecdsaSpec(t.dir);
    const r = await cli("generate", spec, "--out", a, "--out", b, "--quiet");
    assert.is(r.code, 0, r.err);
    assert.not.ok(existsSync(a));
    assert.ok(existsSync(path.join(b, "manifest.json")));
  });
});

test("should write through a symlinked --out and keep the link", async () => {
  await withTmp(async (t) => {
    const real = path.join(t.dir, "real");
    const link = path.join(t.dir, "link");
    mkdirSync(real);
    symlinkSync(real, link);
    const r = await cli("generate", ecdsaSpec(t.dir), "--out", link, "--quiet");
    assert.is(r.code, 0, r.err);
    assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
    assert.ok(existsSync(path.join(real, "manifest.json")), "its target holds the tree");
  });
});

test("should exit 2, not crash, when this user cannot write beside --out or read out/pki", async () => {
  if (process.getuid?.() !== 0 || !hasTool("runuser") || !nobodyCanRead(path.join(ROOT, "dist/bin/kubebundle.js"))) {
    console.log("\n  !!! skipped: needs root, runuser, and a checkout the unprivileged user can read\n");
    return;
  }
  await withTmp(async (t) => {
    chmodSync(t.dir, 0o755);
    const ro = path.join(t.dir, "ro");
    mkdirSync(ro, { mode: 0o555 });
    const bin = path.join(ROOT, "dist/bin/kubebundle.js");
    const asNobody = (...args: string[]) => spawnSync("runuser", ["-u", "nobody", "--", process.execPath, bin, ...args], { encoding: "utf8" });
    const w = asNobody("generate", EXAMPLE, "--out", path.join(ro, "out"));
    assert.is(w.status, 2, w.stderr);
    assert.match(w.stderr, /cannot write beside the output folder \(EACCES\)/);
    const out = path.join(t.dir, "out");
    assert.is((await cli("generate", ecdsaSpec(t.dir), "--out", out, "--quiet")).code, 0);
    const i = asNobody("inspect", out);
    assert.is(i.status, 2, i.stderr);
    assert.match(i.stderr, /cannot be read \(EACCES\); run as its owner or root/);
    assert.not.match(i.stderr, /internal error/);
  });
});

test.run();
