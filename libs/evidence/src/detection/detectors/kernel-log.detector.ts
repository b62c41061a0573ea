import { sampledLines, shareConfidence } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import { LineShapes } from '../line-shapes.js';
import type { TextSample } from '../text-sample.js';

/**
 * The kernel log in the shapes people collect it: `dmesg` (seconds since boot), `dmesg -r`
 * (with <priority>), `dmesg -x` (facility:level), `dmesg -T` (ctime), `dmesg --time-format iso`,
 * `journalctl -k` and syslog files such as /var/log/kern.log, where only lines tagged `kernel:`
 * are kernel messages. A syslog file mostly about other programs is an app log instead, so
 * syslog lines from other tags count against this kind.
 *
 * Without any timestamp (`dmesg -t`), only the kernel's own message prefixes are left; they
 * give a weak candidate that a file name such as dmesg.txt can confirm.
 */

const SYSLOG_TIME =
  /(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))/
    .source;

const KERNEL_LOG_LINES = new LineShapes({
  // Seconds since boot; ten digits would be an epoch stamp (conntrack -o timestamp), not uptime.
  bootTime: /(?:<\d{1,3}>)?\[\s*\d{1,8}\.\d{6}\] /,
  facilityLevel:
    /(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:(?:emerg|alert|crit|err|warn|notice|info|debug)\s*: /,
  ctime:
    /\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \d{4}\] /,
  isoComma: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{6}[+-]\d\d:\d\d /,
  syslogKernel: new RegExp(`${SYSLOG_TIME} \\S+ kernel: `),
  syslogOther: new RegExp(`${SYSLOG_TIME} \\S+ [\\w./-]+(?:\\[\\d+\\])?: `),
  journalMarker: /-- (?:Logs begin at|Journal begins at|Boot [0-9a-f]+|No entries|Reboot) /,
  // Interface names are at most 15 characters; bounding them keeps failing matches short.
  bare: /(?:nf_conntrack: |nf_ct_\w+: |TCP: |IPv[46]: |NET: |IPVS: |neighbour: |net_ratelimit: |Linux version \d|device [\w.@-]{1,15} (?:entered|left) promiscuous mode|[\w.@-]{1,15}: (?:port \d+\([\w.@-]{1,15}\) entered \w+ state|(?:entered|left) promiscuous mode))/,
});

export function detectKernelLog(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  const counts = KERNEL_LOG_LINES.count(lines);
  const kernelLines =
    counts.bootTime +
    counts.facilityLevel +
    counts.ctime +
    counts.isoComma +
    counts.syslogKernel +
    counts.journalMarker;
  if (kernelLines > 0 && kernelLines >= counts.syslogOther) {
    return {
      kind: 'dmesg',
      confidence: shareConfidence(kernelLines, lines.length, 0.4, 0.96),
      reason: sampledLines(kernelLines, lines.length, 'look like kernel log lines'),
    };
  }
  if (counts.bare > 0 && kernelLines === 0 && counts.syslogOther === 0) {
    return {
      kind: 'dmesg',
      confidence: shareConfidence(counts.bare, lines.length, 0.2, 0.5),
      reason: sampledLines(
        counts.bare,
        lines.length,
        'look like kernel messages without timestamps',
      ),
    };
  }
  return undefined;
}
