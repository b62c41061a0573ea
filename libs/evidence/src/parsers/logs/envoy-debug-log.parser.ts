import type { LogEvent } from '@netmortem/domain';
import { unwrapLogLine } from '../../detection/log-envelope.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { classifyEnvoyDebugMessage } from './envoy-debug.classifier.js';
import { looksLikeEnvoyDebugLine, parseEnvoyDebugLine } from './envoy-debug-line.js';
import { ItemBudget } from '../shared/item-budget.js';
import { scanWindow, skipBinaryLine } from '../shared/line-hygiene.js';

/**
 * Envoy debug/trace logs (Envoy's layout, Istio's current and 1.5 rewrites, 1.3's epoch
 * prefix). Events are the lines tied to a connection (`[C42]`, `ConnectionId` tags) and the
 * failure lines; header dumps, config chatter and the agent's own lines are only counted.
 */
export const envoyDebugLogParser: TextArtifactParser<LogEvent[]> = {
  kinds: ['envoy-debug-log'],
  isEmpty: (events) => events.length === 0,
  start({ artifact, issues, limits }) {
    const events: LogEvent[] = [];
    const budget = new ItemBudget(limits.maxItems, 'Envoy log lines');
    return {
      line(text, lineNumber) {
        if (text.trim() === '' || skipBinaryLine(text, lineNumber, issues)) return;
        const inner = unwrapLogLine(scanWindow(text));
        const parsed = parseEnvoyDebugLine(inner);
        if (!parsed) {
          if (looksLikeEnvoyDebugLine(inner)) {
            issues.atLine(
              lineNumber,
              'UNPARSEABLE_LINE',
              'Envoy log line with an unreadable prefix',
            );
          }
          return;
        }
        const meaning = classifyEnvoyDebugMessage(parsed.message);
        if (!meaning.notable && !parsed.connectionId) return;
        if (!budget.take(lineNumber)) return;
        const fields: Record<string, string | number> = {
          ...meaning.fields,
          logger: parsed.logger,
        };
        if (parsed.connectionId) fields.connectionId = idValue(parsed.connectionId);
        if (parsed.streamId) fields.streamId = parsed.streamId;
        if (parsed.thread !== undefined) fields.thread = parsed.thread;
        if (parsed.source) fields.sourceLocation = parsed.source;
        events.push({
          locator: { artifact, line: lineNumber },
          source: 'envoy-debug',
          message: parsed.message,
          level: parsed.level,
          ...(parsed.timeUs !== undefined ? { timeUs: parsed.timeUs } : {}),
          ...(meaning.errorKind ? { errorKind: meaning.errorKind } : {}),
          ...(meaning.client ? { client: meaning.client } : {}),
          ...(meaning.server ? { server: meaning.server } : {}),
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

// Connection ids are 64-bit counters; past 2^53 they stay text rather than lose digits.
function idValue(id: string): string | number {
  const value = Number(id);
  return Number.isSafeInteger(value) ? value : id;
}
