import type { CounterSet } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { readCounterLine, readNetstatBody, type CounterLine } from './net-counter-line.js';

// `nstat --json` arrives as one document; beyond this it is not a counter dump.
const MAX_JSON_CHARS = 8 * 1024 * 1024;

/**
 * Protocol counters from `nstat`/`nstat -az`, `nstat --json`, `netstat -s`, /proc/net/snmp,
 * /proc/net/netstat and /proc/net/snmp6, all under nstat's names (TcpExtListenDrops,
 * TcpActiveOpens, …). netstat -s sentences without a known counter keep a normalised key.
 */
export const netCountersParser: TextArtifactParser<CounterSet> = {
  kinds: ['net-counters'],
  isEmpty: (set) => Object.keys(set.counters).length === 0,
  start({ artifact, issues, limits }) {
    const counters = Object.create(null) as Record<string, number>;
    let count = 0;
    let dropped = 0;
    let firstDroppedLine = 0;
    let firstLine = 0;
    let section: string | undefined;
    let histogram: 'In' | 'Out' | undefined;
    const headers = new Map<string, readonly string[]>();
    let json: string[] | undefined;
    let jsonChars = 0;
    let jsonLine = 0;

    const keep = (name: string, value: number, lineNumber: number): void => {
      if (!(name in counters)) {
        if (count >= limits.maxItems) {
          if (dropped++ === 0) firstDroppedLine = lineNumber;
          return;
        }
        count++;
      }
      firstLine ||= lineNumber;
      counters[name] = value;
    };

    return {
      line(text, lineNumber) {
        if (
          json !== undefined ||
          (firstLine === 0 && section === undefined && text.trimStart().startsWith('{'))
        ) {
          jsonLine ||= lineNumber;
          json ??= [];
          jsonChars += text.length;
          if (jsonChars <= MAX_JSON_CHARS) json.push(text);
          return;
        }
        const parsed = readCounterLine(text);
        const body = parsed.kind === 'body' ? readBody(parsed.text) : parsed;
        switch (body.kind) {
          case 'counter':
            keep(body.name, body.value, lineNumber);
            return;
          case 'section':
            section = body.name;
            histogram = undefined;
            return;
          case 'histogram':
            histogram = body.direction;
            return;
          case 'table-header':
            headers.set(body.prefix, body.names);
            return;
          case 'table-values': {
            const names = headers.get(body.prefix);
            if (!names || names.length !== body.values.length) {
              issues.atLine(
                lineNumber,
                'UNPARSEABLE_LINE',
                `values for "${body.prefix}:" without a matching header line`,
              );
              return;
            }
            names.forEach((name, index) =>
              keep(body.prefix + name, body.values[index]!, lineNumber),
            );
            return;
          }
          case 'unreadable':
            issues.atLine(lineNumber, 'UNPARSEABLE_LINE', body.reason);
            return;
          case 'skip':
          case 'body':
            return;
          default: {
            const unexpected: never = body;
            return unexpected;
          }
        }
      },
      finish() {
        if (json !== undefined) readJson(json, jsonChars, jsonLine);
        if (dropped > 0) {
          issues.atLine(
            firstDroppedLine,
            'TOO_MANY_ITEMS',
            `${dropped} counters beyond the limit of ${limits.maxItems} were counted, not kept`,
          );
        }
        return { locator: firstLine ? { artifact, line: firstLine } : { artifact }, counters };
      },
    };

    function readBody(text: string): CounterLine {
      if (section === undefined) {
        return { kind: 'unreadable', reason: 'indented counter line before any section' };
      }
      return readNetstatBody(section, histogram, text);
    }

    function readJson(lines: readonly string[], chars: number, lineNumber: number): void {
      if (chars > MAX_JSON_CHARS) {
        issues.atLine(
          lineNumber,
          'UNPARSEABLE_LINE',
          `a JSON document over ${MAX_JSON_CHARS} characters`,
        );
        return;
      }
      let document: unknown;
      try {
        document = JSON.parse(lines.join('\n'));
      } catch {
        issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'not valid JSON');
        return;
      }
      // nstat --json: {"kernel": {"IpInReceives": 92, …}}
      const kernel = isRecord(document) && isRecord(document.kernel) ? document.kernel : document;
      if (!isRecord(kernel)) {
        issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'JSON without a counter object');
        return;
      }
      for (const [name, value] of Object.entries(kernel)) {
        if (typeof value === 'number' && Number.isFinite(value)) keep(name, value, lineNumber);
      }
    }
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
