import { addDays, dateToUtcMs, weekday } from './dates.js';
import { target2ClosingDays } from './target2.js';
import { isIntervalSpec, type CalendarSpec } from './types.js';

/**
 * Business days of a bank calendar. In interval (sandbox) mode every day is a business day.
 * A business day is a local date that is neither Saturday, Sunday, a TARGET2 closing day (when the
 * calendar follows TARGET2) nor one of the bank's extra closing days.
 */
export function isBusinessDay(date: string, spec: CalendarSpec): boolean {
  dateToUtcMs(date);
  if (isIntervalSpec(spec)) return true;
  const wd = weekday(date);
  if (wd === 0 || wd === 6) return false;
  if (spec.holidays === 'TARGET2' && target2ClosingDays(Number(date.slice(0, 4))).includes(date)) return false;
  return !(spec.extraClosingDays ?? []).includes(date);
}

/** Far enough for any real calendar; a calendar closed for ten years is a configuration error. */
const MAX_SCAN_DAYS = 3_660;

/** The first business day on or after `date` (step +1) or on or before it (step -1). */
export function rollToBusinessDay(date: string, spec: CalendarSpec, step: 1 | -1 = 1): string {
  let d = date;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    if (isBusinessDay(d, spec)) return d;
    d = addDays(d, step);
  }
  throw new RangeError(`no business day within ${MAX_SCAN_DAYS} days of ${date}`);
}

/**
 * Moves `n` business days from `date`: +1 from a Friday is the next Monday, and +1 from a Saturday
 * too. `n = 0` rolls a non-business day forward to the next business day and leaves a business day
 * alone. Negative `n` moves backwards the same way.
 */
export function addBusinessDays(date: string, n: number, spec: CalendarSpec): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`n must be an integer, got ${n}`);
  if (n === 0) return rollToBusinessDay(date, spec, 1);
  const step = n > 0 ? 1 : -1;
  let d = date;
  let left = Math.abs(n);
  let scanned = 0;
  while (left > 0) {
    d = addDays(d, step);
    if (isBusinessDay(d, spec)) left--;
    else if (++scanned > MAX_SCAN_DAYS) throw new RangeError(`no business day within ${MAX_SCAN_DAYS} days of ${date}`);
  }
  return d;
}

/**
 * The number of business days in (from, to]: how many business days `to` lies after `from`
 * (negative when `to` is earlier), so `addBusinessDays(from, businessDaysBetween(from, to))` is
 * `to` whenever `to` is a business day after `from`. Monday to the next Monday is 5.
 */
export function businessDaysBetween(from: string, to: string, spec: CalendarSpec): number {
  const a = dateToUtcMs(from, 'from');
  const b = dateToUtcMs(to, 'to');
  if (a === b) return 0;
  const [lo, hi, sign] = a < b ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let d = addDays(lo, 1); d <= hi; d = addDays(d, 1)) if (isBusinessDay(d, spec)) count++;
  return sign * count;
}
