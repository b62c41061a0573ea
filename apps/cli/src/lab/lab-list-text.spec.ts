import { describe, expect, it } from 'vitest';
import type { LabDefinition } from '@netmortem/labs';
import { labListJson, labListText } from './lab-list-text.js';

const lab: LabDefinition = {
  id: 'conntrack-expiry-rebalance',
  rootCause: 'conntrack-expiry-rebalance',
  title: 'Idle flow rebalanced',
  description: 'An idle connection loses its entry and its next segment goes to another backend.',
  variants: [
    {
      id: 'random-timeout',
      summary: 'statistic random, timeout 3 s',
      run: () => Promise.reject(new Error('not here')),
    },
    {
      id: 'nth-flush',
      summary: 'statistic nth, conntrack -F',
      run: () => Promise.reject(new Error('not here')),
    },
  ],
};

describe('lab list output', () => {
  it('names each lab, its cause and every variant, wrapped to the width', () => {
    const text = labListText([lab], 60);
    expect(text).toContain(
      'conntrack-expiry-rebalance  (root cause conntrack-expiry-rebalance, 2 variants)',
    );
    expect(text).toContain('  - random-timeout');
    expect(text).toContain('  - nth-flush');
    const prose = text
      .split('\n')
      .filter((line) => line.startsWith('  ') && !line.startsWith('  -'));
    expect(prose.length).toBeGreaterThan(2);
    for (const line of prose) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).toMatch(/1 labs\. Run one/);
  });

  it('keeps the JSON free of functions', () => {
    const [json] = labListJson([lab]) as [{ variants: object[] }];
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.variants).toEqual([
      { id: 'random-timeout', summary: 'statistic random, timeout 3 s' },
      { id: 'nth-flush', summary: 'statistic nth, conntrack -F' },
    ]);
  });
});
