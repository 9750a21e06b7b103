import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MAX_HOURS, durationProblem, parseDuration, parseGoDuration, parseGoDurationNs } from "../../src/spec/duration.js";

const go = suite("parseGoDuration");

go("should read Go durations in milliseconds and refuse everything else", () => {
  const good: [string, number][] = [
    ["15s", 15_000], ["1m", 60_000], ["1m30s", 90_000], ["2h", 7_200_000], ["1h2m3s", 3_723_000], ["1.5s", 1500], [".5s", 500],
    ["500ms", 500], ["1500us", 1.5], ["2000000ns", 2], ["1m0.5s", 60_500], ["0", 0], ["+10s", 10_000], ["-3s", -3000], ["0s", 0],
    ["1.s", 1000], ["1\u00b5s", 0.001], ["1\u03bcs", 0.001], ["1ns", 0.000001],
  ];
  for (const [text, ms] of good) assert.is(parseGoDuration(text), ms, text);
  for (const text of ["", "15", "s", "1.s.", "1 m", "1d", "1mm", "15S", "1e3s", "-", "+", ".s", "1m 30s", "15s;", "0x10s"]) {
    assert.is(parseGoDuration(text), null, JSON.stringify(text));
  }
});

go("should keep Go's int64 nanosecond bounds: 2562047h47m16.854775807s is the longest, one nanosecond more fails", () => {
  assert.is(parseGoDurationNs("2562047h47m16.854775807s"), (1n << 63n) - 1n);
  assert.is(parseGoDurationNs("2562047h47m16.854775808s"), null);
  assert.is(parseGoDurationNs("-2562047h47m16.854775808s"), -(1n << 63n));
  assert.is(parseGoDurationNs("9999999h"), null);
  assert.is(parseGoDurationNs("99999999999999999999h"), null);
  assert.is(parseGoDurationNs("0.1m"), 6_000_000_000n, "fractions are exact, not float noise");
});

const validity = suite("parseDuration (validities)");

validity("should take positive whole-second Go durations up to MAX_HOURS", () => {
  assert.is(MAX_HOURS, 2562047);
  assert.equal(parseDuration("8760h"), { text: "8760h", ms: 8760 * 3_600_000 });
  assert.equal(parseDuration("90h30m"), { text: "90h30m", ms: 90.5 * 3_600_000 });
  assert.equal(parseDuration("1.5h"), { text: "1.5h", ms: 5_400_000 });
  assert.equal(parseDuration(`${MAX_HOURS}h`)?.ms, MAX_HOURS * 3_600_000);
  for (const text of ["0h", "-8760h", "1.5s", "500ms", "2562048h", "1y", "8760"]) assert.is(parseDuration(text), null, text);
});

validity("should say why a validity is refused", () => {
  assert.is(durationProblem("8760h"), undefined);
  assert.is(durationProblem("0s"), "must be longer than zero");
  assert.is(durationProblem("-1h"), "must be longer than zero");
  assert.is(durationProblem("1y"), "is not a Go duration in hours like 8760h");
  assert.match(durationProblem("2562048h")!, /at most 2562047h, Go's longest duration/);
  assert.match(durationProblem("99999999999999999999h")!, /at most 2562047h/);
  assert.match(durationProblem("1500ms")!, /whole number of seconds/);
});

go.run();
validity.run();
