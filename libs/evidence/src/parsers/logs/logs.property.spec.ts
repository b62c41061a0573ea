import { readdirSync, readFileSync } from 'node:fs';
import type { Locator } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { describeHostileInput, itemLines } from '../shared/testing/hostile-input.kit.js';
import { parseText, type TextArtifactParser } from '../text-artifact-parser.js';
import {
  appLogParser,
  dmesgParser,
  envoyAccessLogParser,
  envoyDebugLogParser,
  straceParser,
} from './index.js';

interface Subject {
  readonly name: string;
  readonly parser: TextArtifactParser<unknown>;
  readonly locators: (value: unknown) => Locator[];
  readonly corpus: string[];
}

const shared = new URL('../../detection/__fixtures__/', import.meta.url);
const lab = new URL('./__fixtures__/', import.meta.url);
const read = (root: URL, folder: string): string[] =>
  readdirSync(new URL(`${folder}/`, root)).map((f) =>
    readFileSync(new URL(`${folder}/${f}`, root), 'utf8'),
  );
const eventLocators = (value: unknown) => (value as { locator: Locator }[]).map((e) => e.locator);

const SUBJECTS: Subject[] = [
  {
    name: 'dmesg',
    parser: dmesgParser,
    locators: eventLocators,
    corpus: [...read(shared, 'dmesg'), ...read(lab, 'dmesg')],
  },
  {
    name: 'envoy-access-log',
    parser: envoyAccessLogParser,
    locators: eventLocators,
    corpus: read(shared, 'envoy-access-log'),
  },
  {
    name: 'envoy-debug-log',
    parser: envoyDebugLogParser,
    locators: eventLocators,
    corpus: read(shared, 'envoy-debug-log'),
  },
  {
    name: 'strace',
    parser: straceParser,
    locators: (value) => (value as { events: { locator: Locator }[] }).events.map((e) => e.locator),
    corpus: [...read(shared, 'strace'), ...read(lab, 'strace')],
  },
  {
    name: 'app-log',
    parser: appLogParser,
    locators: eventLocators,
    corpus: read(shared, 'app-log'),
  },
];

describeHostileInput(
  SUBJECTS.map((subject) => ({
    name: subject.name,
    parser: subject.parser,
    fixtures: subject.corpus,
    linesIn: itemLines,
    vocabulary: [
      '[',
      ']',
      '"',
      '{',
      '}',
      '(',
      ')',
      ' = ',
      '<',
      '>',
      ':',
      '=',
      'IN=',
      ' OUT=',
      'SRC=10.0.0.1',
      '[pid 1] ',
      '10:00:00.000001 ',
      'connect(',
      '<... read resumed>',
      '[C42] ',
      '"- - -" ',
      '503 UC ',
      'kernel: ',
      'ECONNRESET',
      '-1 E',
    ],
    pathologicalWords: ['[pid 1] (', '"', 'IN= OUT= ', '{"a":', 'connection ', ':1->'],
    binaryLineCode: 'BINARY_DATA',
  })),
);

describe.each(SUBJECTS)('$name parser: log specifics', (subject) => {
  it('honours maxItems', () => {
    const text = subject.corpus.join('\n');
    const all = subject.locators(parseText(subject.parser, text, 'all.txt').value).length;
    const capped = parseText(subject.parser, text, 'all.txt', { maxItems: 2 });
    expect(subject.locators(capped.value).length).toBe(Math.min(2, all));
    if (all > 2) expect(capped.issues.some((i) => i.code === 'TOO_MANY_ITEMS')).toBe(true);
  });
});
