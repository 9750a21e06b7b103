import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { sha256sums } from "../../src/plan/sha256sums.js";
import { needTool, run, withTmp } from "../helpers/tools.js";

const test = suite("sha256sums");

const FILES = [
  { path: "rootfs/etc/systemd/system/kube-controller-manager.service", content: "[Unit]\n" },
  { path: "rootfs/etc/kubernetes/cert/ca.pem", content: "hello\n" },
  { path: "rootfs/etc/kubernetes/cert/ca-key.pem", content: Buffer.from([0, 1, 2, 255]) },
];

test("should write `<hex>  <path>` lines sorted by path, with a trailing newline", () => {
  const text = sha256sums(FILES);
  const lines = text.split("\n");
  assert.is(lines.pop(), "");
  assert.equal(
    lines.map((l) => l.slice(66)),
    ["rootfs/etc/kubernetes/cert/ca-key.pem", "rootfs/etc/kubernetes/cert/ca.pem", "rootfs/etc/systemd/system/kube-controller-manager.service"],
  );
  assert.ok(lines.every((l) => /^[0-9a-f]{64} {2}rootfs\//.test(l)));
  assert.ok(text.includes("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  rootfs/etc/kubernetes/cert/ca.pem\n"));
});

test("should sort in byte order, not locale order", () => {
  const text = sha256sums([{ path: "rootfs/b", content: "" }, { path: "rootfs/B", content: "" }, { path: "rootfs/a-b", content: "" }, { path: "rootfs/a/b", content: "" }]);
  assert.equal(
    text.trimEnd().split("\n").map((l) => l.slice(66)),
    ["rootfs/B", "rootfs/a-b", "rootfs/a/b", "rootfs/b"],
  );
});

test("should give an empty text for no files", () => {
  assert.is(sha256sums([]), "");
});

test("should refuse paths sha256sum would escape or that leave the bundle", () => {
  for (const p of ["/etc/x", "rootfs/../x", "rootfs//x", "rootfs/./x", "rootfs/a\nb", "rootfs/a\\b", "", "rootfs/x/"]) {
    assert.throws(() => sha256sums([{ path: p, content: "" }]), /not a plain relative path/, JSON.stringify(p));
  }
});

test("should refuse a path listed twice", () => {
  assert.throws(() => sha256sums([{ path: "rootfs/x", content: "1" }, { path: "rootfs/x", content: "2" }]), /listed twice/);
});

test("should be read by `sha256sum -c --strict`, and catch one changed byte", () => {
  if (!needTool("sha256sum", "SHA256SUMS check")) return;
  withTmp((t) => {
    for (const f of FILES) {
      mkdirSync(path.dirname(path.join(t.dir, f.path)), { recursive: true });
      writeFileSync(path.join(t.dir, f.path), f.content);
    }
    writeFileSync(path.join(t.dir, "SHA256SUMS"), sha256sums(FILES));
    run("sha256sum", ["-c", "--quiet", "--strict", "SHA256SUMS"], { cwd: t.dir });
    writeFileSync(path.join(t.dir, FILES[1]!.path), "hellO\n");
    assert.throws(() => run("sha256sum", ["-c", "--quiet", "--strict", "SHA256SUMS"], { cwd: t.dir }));
  });
});

test.run();
