import type { DateOrDateTime } from '../../iso20022/common/types.js';

/**
 * The calendar day a booking belongs to. A date-time is cut to its own date (the bank's local
 * day as written), not converted to UTC: a booking at 00:30+01:00 is on the bank's day.
 */
export function dayOf(d: DateOrDateTime | undefined): string | undefined {
  if (!d) return undefined;
  return d.date ?? d.dateTime?.slice(0, 10);
}

const DAY_MS = 86_400_000;

function dayNumber(ymd: string): number {
  return Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10))) / DAY_MS;
}

/** Absolute calendar days between two YYYY-MM-DD dates; NaN when either is malformed. */
export function calendarDaysApart(a: string, b: string): number {
  return Math.abs(dayNumber(a) - dayNumber(b));
}
