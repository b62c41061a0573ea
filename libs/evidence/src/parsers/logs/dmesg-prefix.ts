import {
  monthIndex,
  parseCtime,
  parseIsoPrefix,
  partialTime,
  secondsToUs,
} from '../shared/timestamps.js';

/** What the prefixes of one kernel log line say, whichever tool printed it. */
export interface KernelLinePrefix {
  readonly message: string;
  readonly uptimeSec?: number;
  readonly timeUs?: number;
  /** Year-less syslog time, see `partialTime`. */
  readonly partialTime?: string;
  /** `dmesg --time-format reltime/delta`: seconds since the previous message. */
  readonly deltaSec?: number;
  readonly level?: string;
  readonly facility?: string;
  readonly host?: string;
}

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'authpriv', 'ftp', 'res0', 'res1', 'res2', 'res3',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
]; // prettier-ignore

// journalctl -k / rsyslog kern.log: `<time> <host> kernel: `.
const SYSLOG_CLASSIC =
  /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))? (\S+) kernel: ?/;
const SYSLOG_HOST_KERNEL = /^ ?(\S+) kernel: ?/;
const FACILITY_LEVEL = /^([a-z0-9]+) *:([a-z]+) *: /;
const PRIORITY = /^<(\d{1,3})>/;
const UPTIME = /^\[ *(\d{1,10})\.(\d{1,9})\] ?/;
const CTIME = /^\[([A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d \d{4})\] ?/;
const ISO_COMMA = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{6}[+-]\d\d:\d\d /;
const RELTIME_DELTA = /^\[ *\+ *(\d{1,10})\.(\d{1,9})\] ?/;
const RELTIME_MINUTE = /^\[([A-Z][a-z]{2})(\d{1,2}) (\d\d:\d\d)\] ?/;
const DELTA = /^\[< *(\d{1,10})\.(\d{1,9})>\] ?/;

export function parseKernelLinePrefix(line: string): KernelLinePrefix {
  let rest = line;
  const out: {
    -readonly [K in keyof KernelLinePrefix]: KernelLinePrefix[K];
  } = { message: line };

  rest = syslogWrapper(rest, out);

  const facilityLevel = FACILITY_LEVEL.exec(rest);
  if (
    facilityLevel &&
    FACILITIES.includes(facilityLevel[1] ?? '') &&
    LEVELS.includes(facilityLevel[2] ?? '')
  ) {
    out.facility = facilityLevel[1];
    out.level = facilityLevel[2];
    rest = rest.slice(facilityLevel[0].length);
  }

  const priority = PRIORITY.exec(rest);
  if (priority) {
    const value = Number(priority[1]);
    out.level = LEVELS[value & 7];
    out.facility = FACILITIES[value >> 3];
    rest = rest.slice(priority[0].length);
  }

  rest = kernelTime(rest, out);
  out.message = rest;
  return out;
}

function syslogWrapper(
  line: string,
  out: { timeUs?: number; partialTime?: string; host?: string },
): string {
  const classic = SYSLOG_CLASSIC.exec(line);
  if (classic) {
    const month = monthIndex(classic[1] ?? '');
    if (month !== undefined) {
      out.partialTime = partialTime(month, Number(classic[2]), classic[3] ?? '', classic[4]);
      out.host = classic[5];
      return line.slice(classic[0].length);
    }
  }
  if (/^\d{4}-/.test(line) && !ISO_COMMA.test(line)) {
    const iso = parseIsoPrefix(line);
    const host = iso ? SYSLOG_HOST_KERNEL.exec(line.slice(iso.length)) : null;
    if (iso && host) {
      out.timeUs = iso.us;
      out.host = host[1];
      return line.slice(iso.length + host[0].length);
    }
  }
  return line;
}

function kernelTime(
  line: string,
  out: { uptimeSec?: number; timeUs?: number; deltaSec?: number; partialTime?: string },
): string {
  const uptime = UPTIME.exec(line);
  if (uptime) {
    out.uptimeSec = secondsToUs(uptime[1] ?? '0', uptime[2]) / 1_000_000;
    // `journalctl -o short-monotonic` puts the host after the uptime.
    return line.slice(uptime[0].length);
  }
  const ctime = CTIME.exec(line);
  if (ctime) {
    const us = parseCtime(ctime[1] ?? '');
    if (us !== undefined) out.timeUs = us;
    return line.slice(ctime[0].length);
  }
  if (ISO_COMMA.test(line)) {
    const iso = parseIsoPrefix(line);
    if (iso) {
      out.timeUs = iso.us;
      return line.slice(iso.length).replace(/^ /, '');
    }
  }
  const delta = RELTIME_DELTA.exec(line) ?? DELTA.exec(line);
  if (delta) {
    out.deltaSec = secondsToUs(delta[1] ?? '0', delta[2]) / 1_000_000;
    return line.slice(delta[0].length);
  }
  const minute = RELTIME_MINUTE.exec(line);
  if (minute) {
    const month = monthIndex(minute[1] ?? '');
    if (month !== undefined)
      out.partialTime ??= partialTime(month, Number(minute[2]), `${minute[3]}:00`);
    return line.slice(minute[0].length);
  }
  return line;
}
