/**
 * Bank calendars for the batch rail: business days (weekends, TARGET2 and bank closing days) and
 * cut-offs in the bank's own time zone. Every function is pure: `now` comes in as epoch ms.
 */
export { addBusinessDays, businessDaysBetween, isBusinessDay, rollToBusinessDay } from './business-days.js';
export { nextCutoff } from './cutoff.js';
export { easterSunday, target2ClosingDays } from './target2.js';
export { CalendarConfigError, isIntervalSpec, type BankCalendarSpec, type CalendarSpec, type Cutoff, type IntervalCalendarSpec } from './types.js';
export { validateCalendar } from './validate.js';
export { isTimeZone, localDate, localParts, offsetAt, zonedToEpoch, type LocalDateTime } from './zoned.js';
