import { readdirSync, readFileSync } from 'node:fs';
import type { Ruleset } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { describeHostileInput } from '../shared/testing/hostile-input.kit.js';
import { parseText, type TextArtifactParser } from '../text-artifact-parser.js';
import { iptablesSaveParser, nftRulesetParser } from './index.js';

const shared = new URL('../../detection/__fixtures__/', import.meta.url);
const lab = new URL('./__fixtures__/', import.meta.url);
const read = (root: URL, names: string[]): string[] =>
  names.map((f) => readFileSync(new URL(f, root), 'utf8'));
const labFiles = readdirSync(lab).filter((f) => f.endsWith('.txt'));
const isNft = (f: string) =>
  f.startsWith('nft-list') || f.startsWith('nft-native') || f.startsWith('nft-json');

const SUBJECTS: { name: string; parser: TextArtifactParser<Ruleset>; corpus: string[] }[] = [
  {
    name: 'iptables-save',
    parser: iptablesSaveParser,
    corpus: [
      ...read(new URL('iptables-save/', shared), readdirSync(new URL('iptables-save/', shared))),
      ...read(
        lab,
        labFiles.filter((f) => !isNft(f)),
      ),
    ],
  },
  {
    name: 'nft-ruleset',
    parser: nftRulesetParser,
    corpus: [
      ...read(new URL('nft-ruleset/', shared), readdirSync(new URL('nft-ruleset/', shared))),
      ...read(lab, labFiles.filter(isNft)),
    ],
  },
];

const ruleLines = (value: unknown): number[] =>
  (value as Ruleset).tables.flatMap((t) =>
    t.chains.flatMap((c) => c.rules.map((r) => r.locator.line ?? 0)),
  );

const ruleCount = (ruleset: Ruleset) =>
  ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)).length;

describeHostileInput(
  SUBJECTS.map((subject) => ({
    name: subject.name,
    parser: subject.parser,
    fixtures: subject.corpus,
    linesIn: ruleLines,
    vocabulary: [
      '*nat',
      ':INPUT ACCEPT [1:2]',
      'COMMIT',
      '-A ',
      '-P ',
      '-N ',
      '! ',
      '-m ',
      '-j ',
      '--',
      '"',
      "'",
      '\\',
      '[1:2] ',
      'table ip t {',
      'chain c {',
      '}',
      '{ ',
      ' }',
      'type nat hook prerouting priority dstnat; policy accept;',
      'ct state ',
      'dnat to ',
      ' map ',
      ' vmap ',
      'tcp dport ',
      'meta mark set ',
      '# xt_',
      '{"nftables": [',
    ],
    pathologicalWords: ['-A X ! ', '"\\', '{ (', '-m x --y ', 'ct state dnat '],
    pathologicalPrefix: '-A INPUT ',
    binaryLineCode: 'BINARY_DATA',
    isSingleLineDocument: (sample: string) => sample.startsWith('{'),
  })),
);

describe.each(SUBJECTS)('$name parser: limits', ({ parser, corpus }) => {
  it('honours maxItems', () => {
    for (const text of corpus) {
      const all = ruleCount(parseText(parser, text).value);
      const capped = parseText(parser, text, 'c.txt', { maxItems: 1 });
      expect(ruleCount(capped.value)).toBe(Math.min(1, all));
      if (all > 1) expect(capped.issues.some((i) => i.code === 'TOO_MANY_ITEMS')).toBe(true);
    }
  });
});
