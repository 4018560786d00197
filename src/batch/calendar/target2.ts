import { formatDate } from './dates.js';

/**
 * Easter Sunday of a Gregorian year (the anonymous Gregorian computus, Meeus/Jones/Butcher).
 * Returns month (1-based) and day.
 */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

const cache = new Map<number, readonly string[]>();

/**
 * The TARGET2 (T2) closing days besides weekends: New Year's Day, Good Friday, Easter Monday,
 * 1 May (Labour Day), Christmas Day and 26 December. Sorted `YYYY-MM-DD`.
 */
export function target2ClosingDays(year: number): string[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`year must be a Gregorian year (1583-9999), got ${year}`);
  let days = cache.get(year);
  if (!days) {
    const e = easterSunday(year);
    const easter = Date.UTC(year, e.month - 1, e.day);
    const shifted = (deltaDays: number) => new Date(easter + deltaDays * 86_400_000).toISOString().slice(0, 10);
    days = [formatDate(year, 1, 1), shifted(-2), shifted(1), formatDate(year, 5, 1), formatDate(year, 12, 25), formatDate(year, 12, 26)];
    cache.set(year, days);
  }
  return [...days];
}
