import { civilToUs, monthIndex, parseIsoPrefix, partialTime } from '../shared/timestamps.js';

export interface AppLineTime {
  readonly timeUs?: number;
  readonly partialTime?: string;
  readonly level?: string;
}

const CRI =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (?:(?:stdout|stderr) [FP] )?/;
const JOURNAL =
  /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))? \S+ [^\s:[]+(?:\[\d+\])?: /;
const SLASHED = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?/;
const KLOG = /^([IWEF])(\d\d)(\d\d) (\d\d:\d\d:\d\d)\.(\d{6}) /;
const LOGFMT_TIME = /\btime="([^"]+)"/;
const JSON_TS = /"(?:ts|time|timestamp|@timestamp)":\s*(?:"([^"]+)"|(\d{9,11}(?:\.\d+)?))/;
const LEVEL_WORD =
  /(?:^|[\s[|])(FATAL|CRITICAL|ERROR|WARN(?:ING)?|INFO|DEBUG|error|warn(?:ing)?|info|debug|crit|alert|emerg)(?:[\]\s:|]|$)/;
const JSON_LEVEL = /"(?:level|severity|lvl)":\s*"(\w+)"/;
const KLOG_LEVELS: Readonly<Record<string, string>> = {
  I: 'info',
  W: 'warning',
  E: 'error',
  F: 'fatal',
};

/**
 * The time and level of an application log line in the usual layouts: RFC 3339 (also inside
 * `[…]`, CRI and `kubectl --timestamps` prefixes), Go's `2006/01/02 15:04:05`, Python's
 * `2026-01-14 10:21:07,412`, klog's `E0114 10:21:07.412093`, syslog/journal, logfmt
 * `time="…"` and JSON `ts`/`time`. Returns the rest of the line too, wrapper removed.
 */
export function readAppLineTime(line: string): { time: AppLineTime; rest: string } {
  let rest = line;
  let timeUs: number | undefined;
  let partial: string | undefined;

  const cri = CRI.exec(rest);
  if (cri) {
    timeUs = parseIsoPrefix(cri[1] ?? '')?.us;
    rest = rest.slice(cri[0].length);
  }
  const journal = JOURNAL.exec(rest);
  if (journal) {
    const month = monthIndex(journal[1] ?? '');
    if (month !== undefined)
      partial = partialTime(month, Number(journal[2]), journal[3] ?? '', journal[4]);
    rest = rest.slice(journal[0].length);
  }
  const head = rest.replace(/^\[/, '');
  const iso = /^\d{4}-\d\d-\d\d[T ]\d/.test(head) ? parseIsoPrefix(head) : undefined;
  const slashed = iso ? undefined : SLASHED.exec(head);
  const klog = KLOG.exec(rest);
  let level: string | undefined;
  if (iso) timeUs = iso.us;
  else if (slashed) timeUs = slashedUs(slashed);
  else if (klog) {
    level = KLOG_LEVELS[klog[1] ?? ''];
    partial = partialTime(Number(klog[2]) - 1, Number(klog[3]), klog[4] ?? '', klog[5]) ?? partial;
  } else {
    const logfmt = LOGFMT_TIME.exec(rest.slice(0, 200));
    const json = logfmt ? undefined : JSON_TS.exec(rest.slice(0, 400));
    if (logfmt) timeUs = parseIsoPrefix(logfmt[1] ?? '')?.us ?? timeUs;
    else if (json?.[1]) timeUs = parseIsoPrefix(json[1])?.us ?? timeUs;
    else if (json?.[2]) timeUs = Math.round(Number(json[2]) * 1_000_000);
  }
  level ??= levelOf(rest);
  return {
    rest,
    time: {
      ...(timeUs !== undefined ? { timeUs } : {}),
      ...(timeUs === undefined && partial ? { partialTime: partial } : {}),
      ...(level ? { level } : {}),
    },
  };
}

function slashedUs(m: RegExpExecArray): number | undefined {
  return civilToUs({
    year: Number(m[1]),
    month: Number(m[2]) - 1,
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    micros: Number(((m[7] ?? '') + '000000').slice(0, 6)),
    offsetMinutes: 0,
  });
}

function levelOf(text: string): string | undefined {
  const head = text.slice(0, 120);
  const json = JSON_LEVEL.exec(text.slice(0, 400));
  if (json) return json[1]?.toLowerCase();
  const word = LEVEL_WORD.exec(head)?.[1]?.toLowerCase();
  if (!word) return undefined;
  return word.startsWith('warn') ? 'warning' : word;
}
