/**
 * A bank's calendar: when its cut-offs are and which days it works. Cut-off times are wall-clock
 * times in the bank's own IANA time zone, because that is how banks publish them ("16:00 CET").
 */
export interface BankCalendarSpec {
  /** IANA zone of the bank, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Local `HH:MM` cut-off times, strictly increasing. */
  cutoffs: string[];
  /** Which public closing days apply besides weekends. */
  holidays: 'TARGET2' | 'none';
  /** Further days the bank is closed (`YYYY-MM-DD`, local). */
  extraClosingDays?: string[];
}

/**
 * Sandbox mode: a cut-off at every multiple of `everyMs` since the epoch, on every day (weekends and
 * holidays included), so a developer sees files move within seconds. `timeZone` (default `UTC`) only
 * decides which local date a cut-off's execution date is.
 */
export interface IntervalCalendarSpec {
  everyMs: number;
  timeZone?: string;
}

export type CalendarSpec = BankCalendarSpec | IntervalCalendarSpec;

export const isIntervalSpec = (spec: CalendarSpec): spec is IntervalCalendarSpec => 'everyMs' in spec;

/** A calendar that cannot work as given; `field` names the offending setting. */
export class CalendarConfigError extends Error {
  override readonly name = 'CalendarConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The window an item queued now belongs to. */
export interface Cutoff {
  /** Epoch ms of the cut-off instant; the window is open for t < at. */
  at: number;
  /** The business day (local `YYYY-MM-DD`) of that cut-off. */
  executionDate: string;
}
