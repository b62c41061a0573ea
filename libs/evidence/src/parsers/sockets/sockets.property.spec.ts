import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeHostileInput,
  expectLinesInRange,
  itemLines,
  lineMutation,
  mutateLine,
  type HostileInputSubject,
} from '../shared/testing/hostile-input.kit.js';
import { parseText } from '../text-artifact-parser.js';
import { netstatParser } from './netstat.parser.js';
import { ssParser } from './ss.parser.js';

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');

const VOCABULARY = [
  '[',
  ']',
  '(',
  ')',
  ',',
  '"',
  '=',
  '*',
  '%',
  '/',
  '-',
  ':',
  '.',
  'ESTAB',
  'LISTEN',
  'tcp',
  'udp',
  'users:((',
  'timer:(',
  '::ffff:',
];
const PATHOLOGICAL = ['users:(("x",pid=1,fd=2)', 'timer:(on,', '[', '(', ':', '"', 'a=b'];

const SUBJECTS: readonly HostileInputSubject[] = [
  {
    name: 'ss',
    parser: ssParser,
    linesIn: itemLines,
    vocabulary: VOCABULARY,
    pathologicalWords: PATHOLOGICAL,
    fixtures: [
      fixture('ss/tanoie-client.txt'),
      fixture('ss/tapionume-server.txt'),
      fixture('ss/iproute2-4x-tanoie.txt'),
      fixture('ss/iproute2-4x-tuan-netid.txt'),
    ],
  },
  {
    name: 'netstat',
    parser: netstatParser,
    linesIn: itemLines,
    vocabulary: VOCABULARY,
    pathologicalWords: PATHOLOGICAL,
    fixtures: [fixture('netstat/tanpo-timers.txt'), fixture('netstat/an-with-unix-sockets.txt')],
  },
];

describeHostileInput(SUBJECTS);

describe.each(SUBJECTS)('$name parser on one damaged line', (subject) => {
  it('keeps every other row when one line of a real listing is mutated', () => {
    fc.assert(
      fc.property(fc.constantFrom(...subject.fixtures), lineMutation, (text, change) => {
        const before = parseText(subject.parser, text);
        const mutated = mutateLine(text, change);
        const after = parseText(subject.parser, mutated);
        expectLinesInRange(subject, after, mutated.split('\n').length);
        const touched = (change.line % text.split('\n').length) + 1;
        const kept = new Set(itemLines(after.value));
        for (const line of itemLines(before.value)) {
          // The mutated line and the detail line after it may change; nothing else may.
          if (line !== touched && line !== touched - 1) expect(kept.has(line)).toBe(true);
        }
      }),
    );
  });
});
