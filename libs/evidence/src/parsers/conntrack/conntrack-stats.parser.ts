import type { ConntrackStats } from '@netmortem/domain';
import type { IssueCollector } from '../../text/issue-collector.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { readToolMessage } from './conntrack-tool-message.js';

/**
 * Per-CPU conntrack counters, in the three shapes they come in:
 *  - `conntrack -S`: `cpu=0 \tfound=0 invalid=12 … insert_failed=3 drop=3 …` (1.4.4 adds
 *    searched/new/delete…, 1.4.6+ clash_resolve/chaintoolong);
 *  - /proc/net/stat/nf_conntrack: a header row of names, then one row of hex per CPU, whose
 *    first column `entries` is the table's global size, not a per-CPU count;
 *  - `conntrack -C`: one number, the entries in the table.
 */
export const conntrackStatsParser: TextArtifactParser<ConntrackStats> = {
  kinds: ['conntrack-stats'],
  isEmpty: (stats) => stats.perCpu.length === 0 && stats.entries === undefined,
  start({ artifact, issues, limits }) {
    const perCpu: { cpu: number; counters: Record<string, number> }[] = [];
    let dropped = 0;
    let firstDroppedLine = 0;
    let header: string[] | undefined;
    let procRows = 0;
    let entries: number | undefined;
    let firstLine = 0;

    const keep = (cpu: number, counters: Record<string, number>, lineNumber: number): void => {
      firstLine ||= lineNumber;
      if (perCpu.length < limits.maxItems) perCpu.push({ cpu, counters });
      else if (dropped++ === 0) firstDroppedLine = lineNumber;
    };

    return {
      line(text, lineNumber) {
        const line = text.trim();
        if (line === '') return;
        if (/^\d+$/.test(line)) {
          entries = Number(line);
          firstLine ||= lineNumber;
          return;
        }
        if (line.includes('=')) {
          const row = readKeyValues(line, lineNumber, issues);
          if (!row) return;
          if (row.cpu === undefined) {
            // A global line (newer tools print `entries=…` on their own).
            if (row.counters.entries !== undefined) entries = row.counters.entries;
            firstLine ||= lineNumber;
            return;
          }
          keep(row.cpu, row.counters, lineNumber);
          return;
        }
        if (/^entries\s/.test(line)) {
          header = line.split(/\s+/);
          return;
        }
        if (header && /^[0-9a-fA-F]+(?:\s+[0-9a-fA-F]+)*$/.test(line)) {
          const values = line.split(/\s+/);
          if (values.length !== header.length) {
            issues.atLine(
              lineNumber,
              'UNPARSEABLE_LINE',
              `${values.length} columns under a header of ${header.length}`,
            );
            return;
          }
          const counters = Object.create(null) as Record<string, number>;
          header.forEach((name, index) => {
            const value = parseInt(values[index]!, 16);
            if (name === 'entries') entries = value;
            else counters[name] = value;
          });
          keep(procRows++, counters, lineNumber);
          return;
        }
        const message = readToolMessage(line);
        if (message?.kind === 'problem') issues.atLine(lineNumber, message.code, message.message);
        else if (!message)
          issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'not a conntrack statistics line');
      },
      finish() {
        if (dropped > 0) {
          issues.atLine(
            firstDroppedLine,
            'TOO_MANY_ITEMS',
            `${dropped} CPU rows beyond the limit of ${limits.maxItems} were counted, not kept`,
          );
        }
        return {
          locator: firstLine ? { artifact, line: firstLine } : { artifact },
          perCpu,
          totals: sum(perCpu.map((row) => row.counters)),
          ...(entries === undefined ? {} : { entries }),
        };
      },
    };
  },
};

function readKeyValues(
  line: string,
  lineNumber: number,
  issues: IssueCollector,
): { cpu: number | undefined; counters: Record<string, number> } | undefined {
  const counters = Object.create(null) as Record<string, number>;
  let cpu: number | undefined;
  for (const word of line.split(/\s+/)) {
    const equals = word.indexOf('=');
    const key = word.slice(0, equals);
    const value = word.slice(equals + 1);
    if (equals <= 0 || !/^\d{1,20}$/.test(value)) {
      issues.atLine(lineNumber, 'UNPARSEABLE_LINE', `"${word.slice(0, 60)}" is not name=number`);
      return undefined;
    }
    if (key === 'cpu') cpu = Number(value);
    else counters[key] = Number(value);
  }
  return { cpu, counters };
}

function sum(rows: readonly Record<string, number>[]): Record<string, number> {
  const totals = Object.create(null) as Record<string, number>;
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) totals[name] = (totals[name] ?? 0) + value;
  }
  return totals;
}
