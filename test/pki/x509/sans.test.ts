import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as asn1js from "asn1js";
import { diffHosts, fromGeneralNames, sortHosts, toGeneralNames } from "../../../src/pki/x509/sans.js";

const test = suite("sans");

test("sortHosts should put DNS names first, then IPv4 and IPv6 numerically, canonical and unique", () => {
  const got = sortHosts(["10.0.0.10", "fd00::1", "Example.COM", "10.0.0.9", "FD00:0:0::1", "127.0.0.1", "a.example"]);
  assert.equal(got, ["a.example", "example.com", "10.0.0.9", "10.0.0.10", "127.0.0.1", "fd00::1"]);
});

test("toGeneralNames should write IPs as 4 or 16 raw bytes (tag 7) and names as dNSName (tag 2)", () => {
  const der = toGeneralNames(["k8s.local", "127.0.0.1", "fd00::1"]).toSchema().toBER();
  const seq = asn1js.fromBER(der).result as asn1js.Sequence;
  const entries = seq.valueBlock.value.map((v) => [v.idBlock.tagNumber, Buffer.from(v.valueBeforeDecodeView).subarray(2).toString("hex")]);
  assert.equal(entries, [
    [2, Buffer.from("k8s.local").toString("hex")],
    [7, "7f000001"],
    [7, "fd000000000000000000000000000001"],
  ]);
});

test("fromGeneralNames should read back what toGeneralNames wrote", () => {
  const hosts = ["k8s.local", "10.0.0.1", "fd00::1"];
  assert.equal(fromGeneralNames(toGeneralNames(hosts).names), hosts);
});

test("diffHosts should say which SANs are added and removed", () => {
  assert.equal(diffHosts(["10.0.0.1", "10.0.0.3"], ["10.0.0.1", "10.0.0.4"]), ["SAN 10.0.0.4 added", "SAN 10.0.0.3 removed"]);
  assert.equal(diffHosts(["a"], ["a"]), []);
});

test.run();
