import { rollToBusinessDay } from './business-days.js';
import { addDays } from './dates.js';
import { isIntervalSpec, type BankCalendarSpec, type CalendarSpec, type Cutoff } from './types.js';
import { localDate, zonedToEpoch } from './zoned.js';

const parseHhMm = (t: string): [number, number] => [Number(t.slice(0, 2)), Number(t.slice(3, 5))];

/** The cut-off instants of one local day, in time order (a DST gap can reorder wall times). */
function cutoffsOn(date: string, spec: BankCalendarSpec): number[] {
  return spec.cutoffs.map((c) => zonedToEpoch(date, ...parseHhMm(c), spec.timeZone)).sort((a, b) => a - b);
}

/**
 * The cut-off an item queued at `now` goes into. A window closes at its instant: an item queued at
 * t < at belongs to it, one queued at t >= at to the next. Cut-offs exist only on business days, so
 * after the last cut-off of a Friday comes the first of the following business day.
 *
 * Interval mode: cut-offs at every multiple of `everyMs` since the epoch, every day; the execution
 * date is the local date of the cut-off instant.
 */
export function nextCutoff(now: number, spec: CalendarSpec): Cutoff {
  if (!Number.isFinite(now)) throw new RangeError(`now must be epoch milliseconds, got ${now}`);
  if (isIntervalSpec(spec)) {
    const at = (Math.floor(now / spec.everyMs) + 1) * spec.everyMs;
    return { at, executionDate: localDate(at, spec.timeZone ?? 'UTC') };
  }
  // The local day of `now` may already be past its last cut-off: at most the next business day
  // after it then holds the answer, since every business day has at least one cut-off.
  let day = rollToBusinessDay(localDate(now, spec.timeZone), spec);
  for (let i = 0; i < 2; i++) {
    const at = cutoffsOn(day, spec).find((t) => now < t);
    if (at !== undefined) return { at, executionDate: day };
    day = rollToBusinessDay(addDays(day, 1), spec);
  }
  throw new RangeError('the calendar has no cut-off times');
}
