import type { LogEvent } from '@netmortem/domain';
import { unwrapLogLine } from '../../detection/log-envelope.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { interpretAccessFields, type EnvoyAccessFields } from './envoy-access-entry.js';
import { parseJsonAccessEntry } from './envoy-access-json.js';
import { looksLikeTextAccessEntry, parseTextAccessEntry } from './envoy-access-text.js';
import { ItemBudget } from '../shared/item-budget.js';
import { skipBinaryLine } from '../shared/line-hygiene.js';
import { parseIso } from '../shared/timestamps.js';

/**
 * Envoy access logs in the default, Istio text and JSON formats, also through CRI,
 * `kubectl logs --timestamps` and Docker wrappers. Lines of the proxy's own logging mixed in
 * (`kubectl logs -c istio-proxy`) are not entries: counted, not reported.
 */
export const envoyAccessLogParser: TextArtifactParser<LogEvent[]> = {
  kinds: ['envoy-access-log'],
  isEmpty: (events) => events.length === 0,
  start({ artifact, issues, limits }) {
    const events: LogEvent[] = [];
    const budget = new ItemBudget(limits.maxItems, 'access log entries');
    return {
      line(text, lineNumber) {
        if (text.trim() === '' || skipBinaryLine(text, lineNumber, issues)) return;
        const inner = unwrapLogLine(text).trim();
        let entry: EnvoyAccessFields | undefined;
        if (inner.startsWith('{')) {
          const result = parseJsonAccessEntry(inner);
          if (result.kind === 'invalid') {
            issues.atLine(
              lineNumber,
              'UNPARSEABLE_LINE',
              `JSON access log line unreadable: ${result.reason}`,
            );
            return;
          }
          if (result.kind === 'other') return;
          entry = result.entry;
        } else if (looksLikeTextAccessEntry(inner)) {
          entry = parseTextAccessEntry(inner);
          if (!entry) {
            issues.atLine(
              lineNumber,
              'UNPARSEABLE_LINE',
              'access log entry does not follow a known Envoy layout',
            );
            return;
          }
        } else {
          return;
        }
        if (!budget.take(lineNumber)) return;
        const meaning = interpretAccessFields(entry);
        const timeUs = entry.startTime ? parseIso(entry.startTime) : undefined;
        events.push({
          locator: { artifact, line: lineNumber },
          source: 'envoy-access',
          message: inner,
          ...(timeUs !== undefined ? { timeUs } : {}),
          ...(meaning.errorKind ? { errorKind: meaning.errorKind } : {}),
          ...(meaning.responseFlags ? { responseFlags: meaning.responseFlags } : {}),
          ...(meaning.client ? { client: meaning.client } : {}),
          ...(meaning.server ? { server: meaning.server } : {}),
          fields: meaning.fields,
        });
      },
      finish() {
        budget.report(issues);
        return events;
      },
    };
  },
};
