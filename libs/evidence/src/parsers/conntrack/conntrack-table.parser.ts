import type { ConntrackEntry } from '@netmortem/domain';
import type { IssueCollector } from '../../text/issue-collector.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { BoundedList } from '../shared/bounded-list.js';
import { buildEntry, buildFields } from './conntrack-entry.builder.js';
import { scanConntrackLine } from './conntrack-line.tokenizer.js';
import { ConntrackRecord } from './conntrack-record.js';
import { readToolMessage } from './conntrack-tool-message.js';
import { mayHoldSummary, StderrSplice } from './stderr-splice.js';

/** `conntrack -L` (any -o options, its 2>&1 summary included) and /proc/net/nf_conntrack. */
export const conntrackTableParser: TextArtifactParser<ConntrackEntry[]> = {
  kinds: ['conntrack-table'],
  isEmpty: (entries) => entries.length === 0,
  start({ artifact, issues, limits }) {
    const entries = new BoundedList<ConntrackEntry>(limits.maxItems, 'entries');
    const record = new ConntrackRecord();
    const splice = new StderrSplice();
    const summary = { count: -1, line: 0 };

    const onMessage = (text: string, lineNumber: number): void => {
      const message = readToolMessage(text);
      if (message?.kind === 'summary') {
        summary.count = message.count;
        summary.line = lineNumber;
      } else if (message?.kind === 'problem') {
        issues.atLine(lineNumber, message.code, message.message);
      }
    };
    // `canSplit`: whether a message found inside the line may hold it back for the next one.
    const read = (text: string, lineNumber: number, canSplit: boolean): void => {
      if (text.trim() === '') return;
      if (readToolMessage(text)) {
        onMessage(text, lineNumber);
        return;
      }
      record.reset();
      const problem = scanConntrackLine(text, record);
      if (problem !== undefined) {
        if (!(canSplit && splice.split(text, lineNumber, onMessage))) {
          issues.atLine(lineNumber, 'UNPARSEABLE_LINE', problem);
        }
      } else if (entries.full) entries.countDropped(lineNumber);
      else entries.push(buildEntry(record, buildFields(record), artifact, lineNumber));
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
        entries.report(issues);
        checkSummary(summary, entries.items.length, issues);
        return entries.items;
      },
    };
  },
};

/** The summary counts what conntrack printed: fewer entries here means lines went missing. */
function checkSummary(
  summary: { count: number; line: number },
  found: number,
  issues: IssueCollector,
): void {
  if (summary.count <= found || issues.count > 0) return;
  issues.atLine(
    summary.line,
    'TRUNCATED_ARTIFACT',
    `conntrack reported ${summary.count} entries but ${found} were found`,
  );
}
