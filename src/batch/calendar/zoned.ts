/**
 * Conversions between instants (epoch ms) and wall-clock time in an IANA zone, with nothing but
 * Intl.DateTimeFormat: the zone database comes with Node, so no date library is needed.
 */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: midnight is 00, never 24 (the en-US default with hour12 off can print 24)
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone. */
export function localParts(epochMs: number, timeZone: string): LocalDateTime {
  const out: Record<string, number> = {};
  let bc = false;
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type === 'era') bc = p.value === 'BC' || p.value === 'B';
    else if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  const year = out.year ?? 0;
  return { year: bc ? 1 - year : year, month: out.month ?? 1, day: out.day ?? 1, hour: out.hour ?? 0, minute: out.minute ?? 0, second: out.second ?? 0 };
}

/** Offset of the zone from UTC at an instant, in ms (Berlin in summer: +7 200 000). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/** The local date (`YYYY-MM-DD`) of an instant. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The instant of a wall-clock time in a zone. Daylight-saving edges follow the usual "compatible"
 * choice: a time skipped in spring (02:30 in Berlin on the last Sunday of March) is moved forward
 * by the gap (03:30 CEST); a time that occurs twice in autumn takes its first (summer-time) occurrence.
 */
export function zonedToEpoch(date: string, hour: number, minute: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // The offset a few hours either side of the wall time brackets any transition on that day.
  const before = offsetAt(wall - 12 * 3_600_000, timeZone);
  const after = offsetAt(wall + 12 * 3_600_000, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // In the gap: read the wall time with the offset in force before it, which lands after the gap.
  return wall - before;
}
