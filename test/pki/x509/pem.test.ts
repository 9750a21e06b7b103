import { suite } from "uvu";
import * as assert from "uvu/assert";
import { certificateDers, pemBlocks, toPem } from "../../../src/pki/x509/pem.js";

const test = suite("pem");

test("toPem should wrap base64 at 64 columns between BEGIN/END lines and end in a newline", () => {
  const der = Uint8Array.from({ length: 200 }, (_, i) => i);
  const pem = toPem("CERTIFICATE", der);
  const lines = pem.split("\n");
  assert.is(lines[0], "-----BEGIN CERTIFICATE-----");
  assert.is(lines.at(-2), "-----END CERTIFICATE-----");
  assert.is(lines.at(-1), "");
  const body = lines.slice(1, -2);
  for (const l of body.slice(0, -1)) assert.is(l.length, 64);
  assert.ok(body.at(-1)!.length <= 64 && body.at(-1)!.length > 0);
  assert.equal([...Buffer.from(body.join(""), "base64")], [...der]);
});

test("pemBlocks should return every block in order and skip header lines of legacy encrypted keys", () => {
  const text = `junk\n${toPem("CERTIFICATE", Uint8Array.of(1, 2))}${toPem("RSA PRIVATE KEY", Uint8Array.of(3)).replace("\n", "\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n")}`;
  const blocks = pemBlocks(text);
  assert.equal(blocks.map((b) => b.label), ["CERTIFICATE", "RSA PRIVATE KEY"]);
  assert.equal([...blocks[0]!.der], [1, 2]);
  assert.equal([...blocks[1]!.der], [3]);
});

test("certificateDers should ignore blocks that are not certificates", () => {
  const text = toPem("EC PRIVATE KEY", Uint8Array.of(9)) + toPem("CERTIFICATE", Uint8Array.of(7)) + "\r\n";
  assert.equal(certificateDers(text).map((d) => [...d]), [[7]]);
  assert.equal(certificateDers("no pem here"), []);
});

test.run();
