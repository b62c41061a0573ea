import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VerdictFixture } from '../../compare/verdict-fixture.js';
import { generateSuite } from '../generate-suite.js';
import { expectedNthChoice } from './nat.family.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../__fixtures__/kernel-6.18-verdicts.json', import.meta.url), 'utf8'),
) as VerdictFixture;

describe('expectedNthChoice', () => {
  it('matches on the first evaluation for --every 2 --packet 0 and every second one after', () => {
    expect(expectedNthChoice([{ every: 2, packet: 0 }], 4)).toEqual([0, 1, 0, 1]);
  });

  it('agrees with the backends the kernel picked in the recorded nth sequences', () => {
    const suite = generateSuite(fixture.suiteSeed).filter((s) => s.id.startsWith('nat/dnat-nth-'));
    expect(suite.length).toBeGreaterThan(0);
    for (const sequence of suite) {
      const rows = fixture.sequences[sequence.id] ?? [];
      const backends = sequence.nat?.allowed.map((a) => a.address) ?? [];
      const kernelChoices = sequence.segments
        .map((segment, i) =>
          segment.note === 'SYN to the VIP' ? String(rows[i]?.[4] ?? '').split(' ')[0] : undefined,
        )
        .filter((address): address is string => address !== undefined)
        .map((address) => backends.indexOf(address));
      const [, every, packet] =
        /--every (\d+) --packet (\d+)/.exec(sequence.nat?.rules[0] ?? '') ?? [];
      expect(
        expectedNthChoice([{ every: Number(every), packet: Number(packet) }], kernelChoices.length),
      ).toEqual(kernelChoices);
    }
  });
});
