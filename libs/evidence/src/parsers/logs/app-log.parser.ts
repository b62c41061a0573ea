import type { LogEvent } from '@netmortem/domain';
import { unwrapLogLine } from '../../detection/log-envelope.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { flowOfLine } from './app-log-address.js';
import { connectionErrorOf } from './app-log-errors.js';
import { readAppLineTime, type AppLineTime } from './app-log-time.js';
import { ItemBudget } from '../shared/item-budget.js';
import { scanWindow, skipBinaryLine } from '../shared/line-hygiene.js';

/**
 * Any application or tool log. Only lines showing a connection error become events (reset,
 * refused, timed out, broken pipe, EOF, a lost port-forward, …, in Go, Java, Node, Python,
 * nginx, libpq and client-go wording); everything else is counted. A line without a time of
 * its own (a stack trace's `Caused by:`, Node's `Error:` line) takes the time of the record
 * it continues.
 */
export const appLogParser: TextArtifactParser<LogEvent[]> = {
  kinds: ['app-log'],
  isEmpty: (events) => events.length === 0,
  start({ artifact, issues, limits }) {
    const events: LogEvent[] = [];
    const budget = new ItemBudget(limits.maxItems, 'connection errors');
    let lastTime: AppLineTime = {};
    return {
      line(text, lineNumber) {
        if (text.trim() === '' || skipBinaryLine(text, lineNumber, issues)) return;
        const window = scanWindow(text);
        const { time, rest } = readAppLineTime(window);
        const own = time.timeUs !== undefined || time.partialTime !== undefined;
        if (own) lastTime = time;
        const unwrapped = unwrapLogLine(rest);
        const error = connectionErrorOf(unwrapped);
        const message = unwrapped.trim();
        if (!error || !budget.take(lineNumber)) return;
        const flow = flowOfLine(message);
        const when = own ? time : lastTime;
        const fields: Record<string, string | number> = { ...flow.fields, matched: error.phrase };
        if (when.partialTime) fields.partialTime = when.partialTime;
        if (!own && (when.timeUs !== undefined || when.partialTime))
          fields.timeFrom = 'previous-line';
        const level = time.level ?? (own ? undefined : when.level);
        events.push({
          locator: { artifact, line: lineNumber },
          source: 'app',
          message,
          errorKind: error.kind,
          ...(when.timeUs !== undefined ? { timeUs: when.timeUs } : {}),
          ...(level ? { level } : {}),
          ...(flow.client ? { client: flow.client } : {}),
          ...(flow.server ? { server: flow.server } : {}),
          fields,
        });
      },
      finish() {
        budget.report(issues);
        return events;
      },
    };
  },
};
