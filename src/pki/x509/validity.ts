// Validity periods: whole seconds, backdated for clock skew, encoded as RFC 5280 requires for the year.
import * as pkijs from "pkijs";

/** BACKDATE_MS: notBefore lies 5 minutes before now, as cfssl does, so nodes with a slow clock accept new certificates. */
export const BACKDATE_MS = 5 * 60 * 1000;

/** Validity: a certificate's notBefore and notAfter, whole seconds. */
export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** floorSeconds: `d` without its milliseconds (openssl and Go reject fractional certificate times). */
export function floorSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** validityFrom: [now - 5 min, now + lengthMs], the end capped at `cap` (the issuer's notAfter) when given. */
export function validityFrom(now: Date, lengthMs: number, cap?: Date): Validity {
  const start = floorSeconds(now).getTime();
  const end = start + lengthMs;
  return {
    notBefore: new Date(start - BACKDATE_MS),
    notAfter: floorSeconds(new Date(cap !== undefined ? Math.min(end, cap.getTime()) : end)),
  };
}

/** toTime: UTCTime for years before 2050, GeneralizedTime from 2050 on (RFC 5280 4.1.2.5). */
export function toTime(d: Date): pkijs.Time {
  const type = d.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value: floorSeconds(d) });
}

/** DAY_MS: one day in milliseconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** RENEW_MIN_MS: the renewal window is never shorter than 30 days. */
export const RENEW_MIN_MS = 30 * DAY_MS;

/** renewalWindowMs: the last third of the certificate's life or 30 days, whichever is longer, but never more than half
 * its life: a certificate shorter than 60 days would otherwise sit in its window from the start and be re-issued on every run. */
export function renewalWindowMs(v: Validity): number {
  const life = v.notAfter.getTime() - v.notBefore.getTime();
  return Math.max(life / 3, Math.min(RENEW_MIN_MS, life / 2));
}

/** isoSeconds: "2125-01-02T03:04:05Z" (ISO 8601, whole seconds, UTC). */
export function isoSeconds(d: Date): string {
  return floorSeconds(d).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** daysLeft: whole days from `now` until `end`, rounded down (negative once expired). */
export function daysLeft(end: Date, now: Date): number {
  return Math.floor((end.getTime() - now.getTime()) / DAY_MS);
}

/** validUntil: "valid until 2125-01-02T03:04:05Z (36500 days left)", as the pki events say it. */
export function validUntil(end: Date, now: Date): string {
  return `valid until ${isoSeconds(end)} (${daysLeft(end, now)} days left)`;
}
