import type { ConntrackEvent } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { BoundedList } from '../shared/bounded-list.js';
import { buildEvent, buildFields } from './conntrack-entry.builder.js';
import { scanConntrackFields, scanConntrackPrefix } from './conntrack-line.tokenizer.js';
import { ConntrackRecord, EVENT_NONE } from './conntrack-record.js';
import { readToolMessage } from './conntrack-tool-message.js';
import { FieldsCache } from './fields-cache.js';
import { mayHoldSummary, StderrSplice } from './stderr-splice.js';

/**
 * `conntrack -E` with any of `-o timestamp,extended,id,ktimestamp,userspace`, conntrack-tools
 * 1.4.x. The hot path of the text parsers: one reused scan record per artifact, no regex per
 * line, and the fields a connection repeats in each of its events read once (FieldsCache);
 * only lines that are not events reach the slower checks.
 */
export const conntrackEventsParser: TextArtifactParser<ConntrackEvent[]> = {
  kinds: ['conntrack-events'],
  isEmpty: (events) => events.length === 0,
  start({ artifact, issues, limits }) {
    const events = new BoundedList<ConntrackEvent>(limits.maxItems, 'events');
    const record = new ConntrackRecord();
    const cache = new FieldsCache();
    const splice = new StderrSplice();

    const onMessage = (text: string, lineNumber: number): void => {
      const message = readToolMessage(text);
      if (message?.kind === 'problem') issues.atLine(lineNumber, message.code, message.message);
    };
    // `canSplit`: whether a message found inside the line may hold it back for the next one.
    const read = (text: string, lineNumber: number, canSplit: boolean): void => {
      record.reset();
      const start = scanConntrackPrefix(text, record);
      let problem = start < 0 ? record.problem : undefined;
      if (problem === undefined) {
        const rest = text.slice(start);
        let fields = cache.get(rest);
        if (fields === undefined) {
          problem = scanConntrackFields(text, start, record);
          if (problem === undefined) {
            fields = buildFields(record);
            cache.set(rest, fields);
          }
        }
        if (fields !== undefined) {
          if (record.eventType === EVENT_NONE) {
            issues.atLine(
              lineNumber,
              'UNPARSEABLE_LINE',
              'an entry without [NEW], [UPDATE] or [DESTROY]',
            );
          } else if (events.full) {
            events.countDropped(lineNumber);
          } else {
            events.push(buildEvent(record, fields, artifact, lineNumber));
          }
          return;
        }
      }
      if (text.trim() === '') return;
      if (readToolMessage(text)) onMessage(text, lineNumber);
      else if (!(canSplit && splice.split(text, lineNumber, onMessage))) {
        issues.atLine(lineNumber, 'UNPARSEABLE_LINE', problem ?? record.problem);
      }
    };

    return {
      line(text, lineNumber) {
        if (splice.waiting) read(splice.join(text), splice.line, false);
        else if (!(mayHoldSummary(text) && splice.split(text, lineNumber, onMessage))) {
          read(text, lineNumber, true);
        }
      },
      finish() {
        const rest = splice.flush();
        if (rest !== undefined) read(rest, splice.line, false);
        events.report(issues);
        return events.items;
      },
    };
  },
};
