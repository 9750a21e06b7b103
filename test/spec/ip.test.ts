import { suite } from "uvu";
import * as assert from "uvu/assert";
import { parsePort } from "../../src/spec/ip.js";

const port = suite("parsePort");

port("should take decimal ports 1-65535 only", () => {
  for (const [text, n] of [["1", 1], ["10257", 10257], ["65535", 65535]] as const) assert.is(parsePort(text), n, text);
  for (const text of ["0", "65536", "010257", "0x2811", "-1", "+1", "1e4", "10257 ", "", "https"]) assert.is(parsePort(text), null, text);
});

port.run();
