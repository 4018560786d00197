import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  businessDaysBetween,
  CalendarConfigError,
  isBusinessDay,
  localDate,
  nextCutoff,
  offsetAt,
  target2ClosingDays,
  validateCalendar,
  zonedToEpoch,
  type BankCalendarSpec,
} from '../../../src/batch/calendar/index.js';

const berlin: BankCalendarSpec = { timeZone: 'Europe/Berlin', cutoffs: ['10:00', '16:00'], holidays: 'TARGET2' };
const utc = (iso: string) => Date.parse(iso);
const fieldOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof CalendarConfigError) return e.field;
    throw e;
  }
  return 'no error';
};

describe('TARGET2 closing days', () => {
  it('2026: Good Friday 3 April, Easter Monday 6 April', () => {
    expect(target2ClosingDays(2026)).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26']);
  });
  it('2027: Good Friday 26 March, Easter Monday 29 March', () => {
    expect(target2ClosingDays(2027)).toEqual(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-01', '2027-12-25', '2027-12-26']);
  });
  it('known Easter dates across centuries', () => {
    expect(target2ClosingDays(2000)[2]).toBe('2000-04-24'); // Easter 23 April 2000
    expect(target2ClosingDays(2038)[2]).toBe('2038-04-26'); // Easter 25 April 2038 (latest possible)
    expect(target2ClosingDays(2285)[1]).toBe('2285-03-20'); // Easter 22 March 2285 (earliest possible)
  });
  it('the result is a copy: changing it does not change the calendar', () => {
    target2ClosingDays(2026).pop();
    expect(target2ClosingDays(2026)).toHaveLength(6);
  });
});

describe('business days', () => {
  it.each([
    ['2026-04-03', false, 'Good Friday 2026'],
    ['2026-04-06', false, 'Easter Monday 2026'],
    ['2027-03-26', false, 'Good Friday 2027'],
    ['2027-03-29', false, 'Easter Monday 2027'],
    ['2026-05-01', false, '1 May (a Friday)'],
    ['2026-12-25', false, 'Christmas Day'],
    ['2026-12-28', true, 'Monday after Christmas'],
    ['2027-01-01', false, 'New Year'],
    ['2026-11-28', false, 'Saturday'],
    ['2026-11-29', false, 'Sunday'],
    ['2026-11-27', true, 'an ordinary Friday'],
    ['2026-04-07', true, 'Tuesday after Easter'],
  ])('%s is business day: %s (%s)', (date, expected) => {
    expect(isBusinessDay(date, berlin)).toBe(expected);
  });

  it('26 December 2025 (a Friday) is closed', () => {
    expect(isBusinessDay('2025-12-26', berlin)).toBe(false);
  });

  it('holidays "none" keeps only weekends; extra closing days close a day', () => {
    const plain: BankCalendarSpec = { ...berlin, holidays: 'none' };
    expect(isBusinessDay('2026-12-25', plain)).toBe(true);
    expect(isBusinessDay('2026-12-26', plain)).toBe(false); // a Saturday
    expect(isBusinessDay('2026-12-24', { ...berlin, extraClosingDays: ['2026-12-24'] })).toBe(false);
  });

  it('refuses impossible dates', () => {
    expect(() => isBusinessDay('2026-02-30', berlin)).toThrow(CalendarConfigError);
    expect(() => isBusinessDay('2026-2-3', berlin)).toThrow(/YYYY-MM-DD/);
  });

  it('addBusinessDays skips a weekend and a holiday', () => {
    // Thursday 2 April 2026 + 1: Good Friday, weekend, Easter Monday -> Tuesday 7 April
    expect(addBusinessDays('2026-04-02', 1, berlin)).toBe('2026-04-07');
    expect(addBusinessDays('2026-04-02', 2, berlin)).toBe('2026-04-08');
    expect(addBusinessDays('2026-11-27', 1, berlin)).toBe('2026-11-30');
    expect(addBusinessDays('2026-11-28', 1, berlin)).toBe('2026-11-30');
    expect(addBusinessDays('2026-12-23', 2, berlin)).toBe('2026-12-28');
    expect(addBusinessDays('2026-04-07', -1, berlin)).toBe('2026-04-02');
    expect(addBusinessDays('2026-04-04', 0, berlin)).toBe('2026-04-07');
    expect(addBusinessDays('2026-11-27', 0, berlin)).toBe('2026-11-27');
  });

  it('businessDaysBetween counts (from, to] and inverts addBusinessDays', () => {
    expect(businessDaysBetween('2026-11-23', '2026-11-30', berlin)).toBe(5);
    expect(businessDaysBetween('2026-04-02', '2026-04-07', berlin)).toBe(1);
    expect(businessDaysBetween('2026-04-07', '2026-04-02', berlin)).toBe(-1);
    expect(businessDaysBetween('2026-11-27', '2026-11-27', berlin)).toBe(0);
    for (const n of [1, 3, 10, 40]) {
      const to = addBusinessDays('2026-12-20', n, berlin);
      expect(businessDaysBetween('2026-12-20', to, berlin)).toBe(n);
    }
  });
});

describe('nextCutoff', () => {
  // Friday 27 November 2026, Berlin is UTC+1: 10:00 local = 09:00Z, 16:00 local = 15:00Z
  const tenAm = utc('2026-11-27T09:00:00Z');

  it('one second before the window closes goes into it; at the instant into the next', () => {
    expect(nextCutoff(tenAm - 1000, berlin)).toEqual({ at: tenAm, executionDate: '2026-11-27' });
    expect(nextCutoff(tenAm - 1, berlin)).toEqual({ at: tenAm, executionDate: '2026-11-27' });
    expect(nextCutoff(tenAm, berlin)).toEqual({ at: utc('2026-11-27T15:00:00Z'), executionDate: '2026-11-27' });
  });

  it('after the last cut-off of Friday comes Monday morning', () => {
    const monday = { at: utc('2026-11-30T09:00:00Z'), executionDate: '2026-11-30' };
    expect(nextCutoff(utc('2026-11-27T15:00:00Z'), berlin)).toEqual(monday);
    expect(nextCutoff(utc('2026-11-28T12:00:00Z'), berlin)).toEqual(monday);
    expect(nextCutoff(utc('2026-11-29T22:59:59Z'), berlin)).toEqual(monday);
  });

  it('the local day decides, not the UTC day', () => {
    // 23:30Z on Sunday is already Monday 00:30 in Berlin
    expect(nextCutoff(utc('2026-11-29T23:30:00Z'), berlin).executionDate).toBe('2026-11-30');
    // 23:30Z on Thursday is Friday 00:30 in Berlin: Friday's first cut-off
    expect(nextCutoff(utc('2026-11-26T23:30:00Z'), berlin)).toEqual({ at: tenAm, executionDate: '2026-11-27' });
  });

  it('rolls over Easter 2027 (Good Friday to Easter Monday) to Tuesday', () => {
    // Thursday 25 March 2027 after the last cut-off (Berlin still on CET)
    expect(nextCutoff(utc('2027-03-25T16:00:00Z'), berlin)).toEqual({ at: utc('2027-03-30T08:00:00Z'), executionDate: '2027-03-30' });
  });

  it('rolls over 1 May, Christmas and New Year', () => {
    expect(nextCutoff(utc('2026-04-30T15:00:00Z'), berlin).executionDate).toBe('2026-05-04');
    expect(nextCutoff(utc('2026-12-24T15:00:00Z'), berlin)).toEqual({ at: utc('2026-12-28T09:00:00Z'), executionDate: '2026-12-28' });
    expect(nextCutoff(utc('2026-12-31T15:00:00Z'), berlin)).toEqual({ at: utc('2027-01-04T09:00:00Z'), executionDate: '2027-01-04' });
  });

  it('follows daylight saving time: Friday 16:00 CET is 15:00Z, Monday 16:00 CEST is 14:00Z', () => {
    // Summer time starts Sunday 29 March 2026
    expect(nextCutoff(utc('2026-03-27T14:59:59Z'), berlin).at).toBe(utc('2026-03-27T15:00:00Z'));
    expect(nextCutoff(utc('2026-03-27T15:00:00Z'), berlin)).toEqual({ at: utc('2026-03-30T08:00:00Z'), executionDate: '2026-03-30' });
    expect(nextCutoff(utc('2026-03-30T13:59:59Z'), berlin).at).toBe(utc('2026-03-30T14:00:00Z'));
    // and ends Sunday 25 October 2026
    expect(nextCutoff(utc('2026-10-23T13:59:59Z'), berlin).at).toBe(utc('2026-10-23T14:00:00Z'));
    expect(nextCutoff(utc('2026-10-23T14:00:00Z'), berlin)).toEqual({ at: utc('2026-10-26T09:00:00Z'), executionDate: '2026-10-26' });
    expect(nextCutoff(utc('2026-10-26T14:30:00Z'), berlin).at).toBe(utc('2026-10-26T15:00:00Z'));
  });

  it('cut-offs on a DST Sunday exist in a calendar that works every day (wall times in the gap move forward)', () => {
    // No weekend closing in interval mode, so check the zone arithmetic directly on the change days.
    expect(zonedToEpoch('2026-03-29', 2, 30, 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z')); // 03:30 CEST
    expect(zonedToEpoch('2026-03-29', 3, 0, 'Europe/Berlin')).toBe(utc('2026-03-29T01:00:00Z'));
    expect(zonedToEpoch('2026-10-25', 2, 30, 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00Z')); // first 02:30 (CEST)
    expect(zonedToEpoch('2026-10-25', 3, 0, 'Europe/Berlin')).toBe(utc('2026-10-25T02:00:00Z'));
    expect(offsetAt(utc('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(offsetAt(utc('2026-01-01T00:00:00Z'), 'America/New_York')).toBe(-18_000_000);
  });

  it('works in other zones (New York, 15:00 local)', () => {
    const ny: BankCalendarSpec = { timeZone: 'America/New_York', cutoffs: ['15:00'], holidays: 'none' };
    // Friday 27 Nov 2026 21:00Z is 16:00 in New York: past the cut-off -> Monday 15:00 EST = 20:00Z
    expect(nextCutoff(utc('2026-11-27T21:00:00Z'), ny)).toEqual({ at: utc('2026-11-30T20:00:00Z'), executionDate: '2026-11-30' });
    // Saturday 01:00Z is still Friday 20:00 in New York, already past
    expect(localDate(utc('2026-11-28T01:00:00Z'), 'America/New_York')).toBe('2026-11-27');
  });

  it('interval mode: multiples of everyMs, every day counts', () => {
    const sandbox = { everyMs: 5_000 };
    const sat = utc('2026-11-28T12:00:00Z');
    expect(nextCutoff(sat - 1, sandbox)).toEqual({ at: sat, executionDate: '2026-11-28' });
    expect(nextCutoff(sat, sandbox)).toEqual({ at: sat + 5_000, executionDate: '2026-11-28' });
    expect(isBusinessDay('2026-12-25', sandbox)).toBe(true);
    expect(addBusinessDays('2026-11-27', 1, sandbox)).toBe('2026-11-28');
    expect(nextCutoff(utc('2026-11-28T22:59:50Z'), { everyMs: 5_000, timeZone: 'Europe/Berlin' }).executionDate).toBe('2026-11-28');
    // a cut-off exactly at local midnight belongs to the day it starts
    expect(nextCutoff(utc('2026-11-28T22:59:58Z'), { everyMs: 5_000, timeZone: 'Europe/Berlin' }).executionDate).toBe('2026-11-29');
    expect(nextCutoff(utc('2026-11-28T23:00:01Z'), { everyMs: 5_000, timeZone: 'Europe/Berlin' }).executionDate).toBe('2026-11-29');
  });
});

describe('validateCalendar', () => {
  it('returns a good spec unchanged', () => {
    expect(validateCalendar(berlin)).toBe(berlin);
    expect(validateCalendar({ everyMs: 3000 })).toEqual({ everyMs: 3000 });
  });
  it('names the bad field', () => {
    expect(fieldOf(() => validateCalendar({ ...berlin, timeZone: 'Europe/Atlantis' }))).toBe('timeZone');
    expect(fieldOf(() => validateCalendar({ ...berlin, cutoffs: ['10:00', '25:00'] }))).toBe('cutoffs[1]');
    expect(fieldOf(() => validateCalendar({ ...berlin, cutoffs: ['9:00'] }))).toBe('cutoffs[0]');
    expect(fieldOf(() => validateCalendar({ ...berlin, cutoffs: ['16:00', '10:00'] }))).toBe('cutoffs[1]');
    expect(fieldOf(() => validateCalendar({ ...berlin, cutoffs: ['10:00', '10:00'] }))).toBe('cutoffs[1]');
    expect(fieldOf(() => validateCalendar({ ...berlin, cutoffs: [] }))).toBe('cutoffs');
    expect(fieldOf(() => validateCalendar({ ...berlin, extraClosingDays: ['2026-13-01'] }))).toBe('extraClosingDays[0]');
    expect(fieldOf(() => validateCalendar({ everyMs: 0 }))).toBe('everyMs');
    expect(() => validateCalendar({ ...berlin, timeZone: 'Mars/Base' })).toThrow(/timeZone/);
  });
});
