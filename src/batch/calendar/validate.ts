import { dateToUtcMs } from './dates.js';
import { CalendarConfigError, isIntervalSpec, type CalendarSpec } from './types.js';
import { isTimeZone } from './zoned.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks a calendar at start-up, so a typo fails loudly before the first cut-off instead of
 * silently moving money a day late. Returns the spec unchanged; throws `CalendarConfigError`
 * naming the field.
 */
export function validateCalendar<T extends CalendarSpec>(spec: T): T {
  if (typeof spec !== 'object' || spec === null) throw new CalendarConfigError('calendar', 'must be an object');
  if (isIntervalSpec(spec)) {
    if (!Number.isSafeInteger(spec.everyMs) || spec.everyMs <= 0) throw new CalendarConfigError('everyMs', `must be a positive integer of milliseconds, got ${String(spec.everyMs)}`);
    if (spec.timeZone !== undefined && !isTimeZone(spec.timeZone)) throw new CalendarConfigError('timeZone', `unknown IANA time zone "${spec.timeZone}"`);
    return spec;
  }
  if (typeof spec.timeZone !== 'string' || !isTimeZone(spec.timeZone)) throw new CalendarConfigError('timeZone', `unknown IANA time zone "${String(spec.timeZone)}"`);
  if (!Array.isArray(spec.cutoffs) || spec.cutoffs.length === 0) throw new CalendarConfigError('cutoffs', 'at least one HH:MM cut-off is required');
  spec.cutoffs.forEach((c, i) => {
    if (typeof c !== 'string' || !HH_MM.test(c)) throw new CalendarConfigError(`cutoffs[${i}]`, `"${String(c)}" is not a 24-hour HH:MM time`);
    const prev = spec.cutoffs[i - 1];
    // HH:MM compares correctly as text
    if (prev !== undefined && prev >= c) throw new CalendarConfigError(`cutoffs[${i}]`, `cut-offs must be sorted and distinct: "${c}" follows "${prev}"`);
  });
  if (spec.holidays !== 'TARGET2' && spec.holidays !== 'none') throw new CalendarConfigError('holidays', `must be "TARGET2" or "none", got "${String(spec.holidays)}"`);
  (spec.extraClosingDays ?? []).forEach((d, i) => dateToUtcMs(d, `extraClosingDays[${i}]`));
  return spec;
}
