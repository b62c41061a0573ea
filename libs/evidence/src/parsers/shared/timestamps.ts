/**
 * Timestamps as logs print them, turned into microseconds since the epoch. Logs rarely say
 * their zone when it is local time; those are read as UTC (what nodes run on, and what the
 * collector records) rather than guessed from the machine doing the analysis.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function monthIndex(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index < 0 ? undefined : index;
}

/** Digits after the decimal point (any precision) as whole microseconds. */
export function fractionToUs(digits: string | undefined): number {
  if (!digits) return 0;
  return Number((digits + '000000').slice(0, 6));
}

export interface CivilTime {
  readonly year: number;
  readonly month: number; // 0-based
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
}

export function civilToUs(time: CivilTime): number | undefined {
  const { year, month, day, hour, minute, second, micros, offsetMinutes } = time;
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  if (!Number.isFinite(ms)) return undefined;
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

const ISO =
  /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s?(Z|[+-]\d\d:?\d\d)?/;

/** RFC 3339 / ISO 8601 at the start of `text` (`T` or space, `.` or `,`, any zone form). */
export function parseIsoPrefix(text: string): { us: number; length: number } | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const us = civilToUs({
    year: Number(m[1]),
    month: Number(m[2]) - 1,
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    micros: fractionToUs(m[7]),
    offsetMinutes: zoneMinutes(m[8]),
  });
  return us === undefined ? undefined : { us, length: m[0].length };
}

export function parseIso(text: string): number | undefined {
  const parsed = parseIsoPrefix(text.trim());
  return parsed?.us;
}

function zoneMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

/** `Wed Jan 14 08:00:00 2026` (ctime, as `dmesg -T` prints it). */
export function parseCtime(text: string): number | undefined {
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = monthIndex(m[1] ?? '');
  if (month === undefined) return undefined;
  return civilToUs({
    year: Number(m[6]),
    month,
    day: Number(m[2]),
    hour: Number(m[3]),
    minute: Number(m[4]),
    second: Number(m[5]),
    micros: 0,
    offsetMinutes: 0,
  });
}

/**
 * A time without a year (syslog `Jan 14 08:00:00`, klog `0114 10:21:07.412093`) is not an
 * absolute time; it is kept in this ISO 8601 year-less form (`--01-14T08:00:00.000000`) so a
 * later stage can anchor it with a year from elsewhere in the bundle.
 */
export function partialTime(
  month: number,
  day: number,
  clock: string,
  fraction?: string,
): string | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31) return undefined;
  const mm = String(month + 1).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  return `--${mm}-${dd}T${clock}${fraction ? `.${fraction}` : ''}`;
}

/** Seconds (with fraction) to whole microseconds without floating-point drift. */
export function secondsToUs(whole: string, fraction: string | undefined): number {
  return Number(whole) * 1_000_000 + fractionToUs(fraction);
}
