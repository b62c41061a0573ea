import { readdirSync, readFileSync } from 'node:fs';
import type { ParseOutcome, Ruleset } from '@netmortem/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, parseTextArtifact, type TextArtifactParser } from '../text-artifact-parser.js';
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

function expectWellFormed(outcome: ParseOutcome<Ruleset>): void {
  expect(['parsed', 'partial', 'failed']).toContain(outcome.status);
  for (const table of outcome.value.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        expect(rule.locator.artifact).toBe(outcome.artifact);
        expect(rule.locator.line).toBeGreaterThanOrEqual(1);
        expect(rule.locator.line).toBeLessThanOrEqual(outcome.unitsRead);
        for (const match of rule.matches) expect(typeof match.module).toBe('string');
      }
    }
  }
  for (const issue of outcome.issues)
    if (issue.code !== 'MORE_ISSUES') expect(issue.locator.line).toBeGreaterThanOrEqual(1);
}

const ruleCount = (ruleset: Ruleset) =>
  ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules)).length;

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += 4096) yield await Promise.resolve(all.subarray(i, i + 4096));
}

const rulish = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '*nat\n',
        ':INPUT ACCEPT [1:2]\n',
        'COMMIT\n',
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
        'table ip t {\n',
        'chain c {\n',
        '}\n',
        '{ ',
        ' }',
        'type nat hook prerouting priority dstnat; policy accept;\n',
        'ct state ',
        'dnat to ',
        ' map ',
        ' vmap ',
        'tcp dport ',
        'meta mark set ',
        '# xt_',
        '{"nftables": [',
        '\n',
      ),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

describe.each(SUBJECTS)('$name parser under hostile input', ({ parser, corpus }) => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(rulish, (text) => {
        expectWellFormed(parseText(parser, text, 'fuzz.txt'));
      }),
      { numRuns: 300 },
    );
  });

  it('reads mutated fixtures, reporting an inserted binary line at its number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...corpus),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })), { maxLength: 6 }),
        fc.nat(),
        async (source, cut, flips, garbageAt) => {
          const lines = source.slice(0, Math.max(1, cut % (source.length + 1))).split('\n');
          for (const [at, text] of flips) {
            const index = at % lines.length;
            const line = lines[index] ?? '';
            const pos = at % (line.length + 1);
            lines[index] = line.slice(0, pos) + text + line.slice(pos + text.length);
          }
          // JSON is one line: garbage goes after it, text rulesets take it anywhere.
          const garbageLine = source.startsWith('{')
            ? lines.length
            : garbageAt % (lines.length + 1);
          lines.splice(garbageLine, 0, '\u0000\u0001 binary');
          const outcome = await parseTextArtifact(parser, bytes(lines.join('\n')), 'mutated.txt', {
            maxLineBytes: 8192,
          });
          expectWellFormed(outcome);
          expect(
            outcome.issues.some(
              (i) => i.locator.line === garbageLine + 1 && i.code === 'BINARY_DATA',
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('skips a multi-megabyte line with an issue and reads on', async () => {
    const text =
      corpus.find((c) => (!c.startsWith('{') && c.includes('-A ')) || c.includes('chain')) ?? '';
    const outcome = await parseTextArtifact(
      parser,
      bytes(`${'x'.repeat(3 * 1024 * 1024)}\n${text}`),
      'big.txt',
      { maxLineBytes: 64 * 1024 },
    );
    expect(outcome.issues[0]).toEqual({
      locator: { artifact: 'big.txt', line: 1 },
      code: 'LINE_TOO_LONG',
      message: expect.any(String) as string,
    });
    expect(ruleCount(outcome.value)).toBe(ruleCount(parseText(parser, text).value));
  });

  // Quadratic work on a megabyte line would take minutes; linear work takes well under a second.
  it('stays linear on a pathological megabyte line it is handed whole', () => {
    for (const unit of ['-A X ! ', '"\\', '{ (', '-m x --y ', 'ct state dnat ']) {
      const started = performance.now();
      expectWellFormed(
        parseText(
          parser,
          `*filter\ntable ip t {\nchain c {\n${unit.repeat(Math.ceil((1024 * 1024) / unit.length))}`,
          'slow.txt',
        ),
      );
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });

  it('honours maxItems', () => {
    for (const text of corpus) {
      const all = ruleCount(parseText(parser, text).value);
      const capped = parseText(parser, text, 'c.txt', { maxItems: 1 });
      expect(ruleCount(capped.value)).toBe(Math.min(1, all));
      if (all > 1) expect(capped.issues.some((i) => i.code === 'TOO_MANY_ITEMS')).toBe(true);
    }
  });
});
