import { suite } from "uvu";
import * as assert from "uvu/assert";
import { daysLeft, floorSeconds, isoSeconds, renewalWindowMs, toTime, validityFrom } from "../../../src/pki/x509/validity.js";

const test = suite("validity");
const DAY = 86_400_000;

test("validityFrom should floor to whole seconds, backdate 5 minutes and add the length", () => {
  const v = validityFrom(new Date("2026-01-15T10:00:00.999Z"), 10 * DAY);
  assert.is(v.notBefore.toISOString(), "2026-01-15T09:55:00.000Z");
  assert.is(v.notAfter.toISOString(), "2026-01-25T10:00:00.000Z");
});

test("validityFrom should cap notAfter at the issuer's notAfter", () => {
  const v = validityFrom(new Date("2026-01-15T10:00:00Z"), 100 * DAY, new Date("2026-02-01T00:00:00.500Z"));
  assert.is(v.notAfter.toISOString(), "2026-02-01T00:00:00.000Z");
});

test("toTime should use UTCTime through 2049 and GeneralizedTime from 2050, without fractions", () => {
  const der = (iso: string) => Buffer.from(toTime(new Date(iso)).toSchema().toBER()).toString("latin1");
  assert.is(der("2049-12-31T23:59:59.750Z"), "\x17\x0d491231235959Z");
  assert.is(der("2050-01-01T00:00:00Z"), "\x18\x0f20500101000000Z");
  assert.is(der("2125-11-02T14:00:40.123Z"), "\x18\x0f21251102140040Z");
});

test("renewalWindowMs should be the last third of the life, or 30 days when longer, but at most half the life", () => {
  const at = (days: number) => ({ notBefore: new Date(0), notAfter: new Date(days * DAY) });
  assert.is(renewalWindowMs(at(365)), (365 * DAY) / 3);
  assert.is(renewalWindowMs(at(89)), 30 * DAY);
  assert.is(renewalWindowMs(at(60)), 30 * DAY);
  assert.is(renewalWindowMs(at(30)), 15 * DAY);
  assert.is(renewalWindowMs(at(3)), 1.5 * DAY);
});

test("isoSeconds, floorSeconds and daysLeft should format and count whole units", () => {
  assert.is(isoSeconds(new Date("2126-01-01T00:00:00.999Z")), "2126-01-01T00:00:00Z");
  assert.is(floorSeconds(new Date(1999)).getTime(), 1000);
  assert.is(daysLeft(new Date(12.5 * DAY), new Date(0)), 12);
  assert.is(daysLeft(new Date(0), new Date(DAY / 2)), -1);
});

test.run();
