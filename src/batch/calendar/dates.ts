import { CalendarConfigError } from './types.js';

/**
 * Plain calendar dates (`YYYY-MM-DD`) without a time zone. Arithmetic goes through UTC midnight,
 * where every day has 24 hours, so no daylight-saving change can shift a date.
 */
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC midnight of a date; throws when the text is not a real calendar date. */
export function dateToUtcMs(date: string, field = 'date'): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new CalendarConfigError(field, `"${date}" is not a YYYY-MM-DD date`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a round trip catches impossible dates
  if (utcMsToDate(ms) !== date) throw new CalendarConfigError(field, `"${date}" is not a calendar date`);
  return ms;
}

export function utcMsToDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const formatDate = (year: number, month: number, day: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

export function addDays(date: string, n: number): string {
  return utcMsToDate(dateToUtcMs(date) + n * DAY_MS);
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(dateToUtcMs(date)).getUTCDay();
}
