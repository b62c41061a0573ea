import type { SysctlSet } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { readSysctlLine } from './sysctl-line.js';

/** `sysctl -a`, `sysctl net`, `sysctl <keys>`, sysctl.conf and /proc/sys dumps → dotted keys. */
export const sysctlParser: TextArtifactParser<SysctlSet> = {
  kinds: ['sysctl'],
  isEmpty: (set) => Object.keys(set.values).length === 0,
  start({ artifact, issues, limits }) {
    const values = Object.create(null) as Record<string, string>;
    const lines = Object.create(null) as Record<string, number>;
    let count = 0;
    let dropped = 0;
    let firstDroppedLine = 0;
    let awaiting: string | undefined;
    let firstLine = 0;

    const keep = (key: string, value: string, lineNumber: number): void => {
      if (!(key in values) && count >= limits.maxItems) {
        if (dropped++ === 0) firstDroppedLine = lineNumber;
        return;
      }
      if (!(key in values)) count++;
      firstLine ||= lineNumber;
      // A key given twice (two dumps concatenated) ends with its last value, as the kernel would.
      values[key] = value;
      lines[key] = lineNumber;
    };

    return {
      line(text, lineNumber) {
        const parsed = readSysctlLine(text);
        if (awaiting !== undefined && parsed.kind === 'other') {
          keep(awaiting, text, lineNumber);
          awaiting = undefined;
          return;
        }
        awaiting = undefined;
        switch (parsed.kind) {
          case 'setting':
            keep(parsed.key, parsed.value, lineNumber);
            return;
          case 'path-header':
            awaiting = parsed.key;
            return;
          case 'complaint':
            // The tool could not read a key: its absence is evidence too, so it is reported.
            issues.atLine(lineNumber, 'TOOL_ERROR', parsed.message);
            return;
          case 'comment':
            return;
          case 'other':
            issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'not a sysctl setting');
            return;
          default: {
            const unexpected: never = parsed;
            return unexpected;
          }
        }
      },
      finish() {
        if (dropped > 0) {
          issues.atLine(
            firstDroppedLine,
            'TOO_MANY_ITEMS',
            `${dropped} keys beyond the limit of ${limits.maxItems} were counted, not kept`,
          );
        }
        return {
          locator: firstLine ? { artifact, line: firstLine } : { artifact },
          values,
          lines,
        };
      },
    };
  },
};
