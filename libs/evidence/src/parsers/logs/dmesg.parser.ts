import type { LogEvent } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { parseKernelLinePrefix } from './dmesg-prefix.js';
import { ItemBudget } from '../shared/item-budget.js';
import { classifyKernelMessage } from './kernel-message.classifier.js';
import { scanWindow, skipBinaryLine } from '../shared/line-hygiene.js';

/**
 * Kernel logs: `dmesg` raw, `-r`, `-x`, `-T`, `--time-format iso|reltime|delta`, `-t`,
 * `journalctl -k` and rsyslog's kern.log. Every line is an event (the quiet ones give the
 * context around the loud ones); lines that matter carry an error kind and the flow.
 */
export const dmesgParser: TextArtifactParser<LogEvent[]> = {
  kinds: ['dmesg'],
  isEmpty: (events) => events.length === 0,
  start({ artifact, issues, limits }) {
    const events: LogEvent[] = [];
    const budget = new ItemBudget(limits.maxItems, 'kernel messages');
    return {
      line(text, lineNumber) {
        if (text.trim() === '') return;
        if (skipBinaryLine(text, lineNumber, issues)) return;
        if (!budget.take(lineNumber)) return;
        const prefix = parseKernelLinePrefix(text);
        const meaning = classifyKernelMessage(scanWindow(prefix.message));
        const fields: Record<string, string | number> = { ...meaning.fields };
        if (prefix.partialTime) fields.partialTime = prefix.partialTime;
        if (prefix.deltaSec !== undefined) fields.deltaSec = prefix.deltaSec;
        if (prefix.facility) fields.facility = prefix.facility;
        if (prefix.host) fields.host = prefix.host;
        events.push({
          locator: { artifact, line: lineNumber },
          source: 'kernel',
          message: prefix.message,
          ...(prefix.timeUs !== undefined ? { timeUs: prefix.timeUs } : {}),
          ...(prefix.uptimeSec !== undefined ? { uptimeSec: prefix.uptimeSec } : {}),
          ...(prefix.level ? { level: prefix.level } : {}),
          ...(meaning.errorKind ? { errorKind: meaning.errorKind } : {}),
          ...(meaning.client ? { client: meaning.client } : {}),
          ...(meaning.server ? { server: meaning.server } : {}),
          ...(Object.keys(fields).length > 0 ? { fields } : {}),
        });
      },
      finish() {
        budget.report(issues);
        return events;
      },
    };
  },
};
