import { suite } from "uvu";
import { InputError } from "../../src/errors.js";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildTar, gzipPinned } from "../../src/write/tarball.js";
import { tarMtime } from "../../src/write/tar-options.js";
import { needTool, run, withTmp } from "../helpers/tools.js";

const FILES = [
  { path: "rootfs/etc/kubernetes/cert/ca-key.pem", mode: 0o600, content: Buffer.from("KEY\n") },
  { path: "install.sh", mode: 0o755, content: Buffer.from("#!/bin/sh\n") },
  { path: "SHA256SUMS", mode: 0o644, content: Buffer.from("x  rootfs/etc/kubernetes/cert/ca-key.pem\n") },
];

const test = suite("tarball");

test("should give the same bytes for the same inputs, whatever their order", async () => {
  const a = gzipPinned(await buildTar("cp-1", FILES));
  const b = gzipPinned(await buildTar("cp-1", [...FILES].reverse()));
  assert.ok(a.equals(b));
});

test("should write a gzip header without time or name, OS byte pinned", async () => {
  const gz = gzipPinned(await buildTar("cp-1", FILES));
  assert.equal([...gz.subarray(0, 4)], [0x1f, 0x8b, 8, 0], "magic, deflate, no FNAME flag");
  assert.equal([...gz.subarray(4, 8)], [0, 0, 0, 0], "mtime 0");
  assert.is(gz[9], 3);
});

test("should hold one top folder, sorted entries, root owner, fixed mtime and the planned modes", async () => {
  if (!needTool("tar", "listing tarball entries")) return;
  await withTmp(async (t) => {
    const f = path.join(t.dir, "b.tar.gz");
    writeFileSync(f, gzipPinned(await buildTar("cp-1", FILES, new Date(1700000000 * 1000))));
    const lines = run("tar", ["--utc", "--numeric-owner", "-tvzf", f]).trim().split("\n");
    const rows = lines.map((l) => l.split(/\s+/));
    assert.equal(rows.map((r) => r[5]), [
      "cp-1/", "cp-1/SHA256SUMS", "cp-1/install.sh", "cp-1/rootfs/", "cp-1/rootfs/etc/", "cp-1/rootfs/etc/kubernetes/",
      "cp-1/rootfs/etc/kubernetes/cert/", "cp-1/rootfs/etc/kubernetes/cert/ca-key.pem",
    ]);
    assert.equal(rows.map((r) => r[0]), ["drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x", "drwxr-xr-x", "drwxr-xr-x", "drwxr-xr-x", "drwxr-xr-x", "-rw-------"]);
    for (const r of rows) assert.is(r[1], "0/0");
    for (const r of rows) assert.is(`${r[3]} ${r[4]}`, "2023-11-14 22:13");
    const named = run("tar", ["-tvzf", f]).split("\n")[0]!;
    assert.match(named, /root\/root/);
  });
});

test("should take the mtime from SOURCE_DATE_EPOCH, else a constant", () => {
  assert.is(tarMtime({ SOURCE_DATE_EPOCH: "1700000000" }).toISOString(), "2023-11-14T22:13:20.000Z");
  assert.is(tarMtime({ SOURCE_DATE_EPOCH: "0" }).toISOString(), "1970-01-01T00:00:00.000Z");
  assert.is(tarMtime({ SOURCE_DATE_EPOCH: String(0o77777777777) }).getTime(), 0o77777777777 * 1000, "the last second a tar header holds");
  assert.is(tarMtime({}).toISOString(), "2000-01-01T00:00:00.000Z");
  assert.is(tarMtime({ SOURCE_DATE_EPOCH: "" }).toISOString(), "2000-01-01T00:00:00.000Z");
});

test("should refuse a SOURCE_DATE_EPOCH a tar header cannot hold, or that is no whole number of seconds, as an input error", () => {
  for (const sde of ["soon", "8589934592", "17000000000000", "-1", "1.5", "01700000000", " 1700000000", "1e9"]) {
    try {
      tarMtime({ SOURCE_DATE_EPOCH: sde });
      assert.unreachable(sde);
    } catch (e) {
      assert.instance(e, InputError, sde);
      assert.match((e as Error).message, /SOURCE_DATE_EPOCH=.*not a time a tar header holds/, sde);
    }
  }
});

test.run();
