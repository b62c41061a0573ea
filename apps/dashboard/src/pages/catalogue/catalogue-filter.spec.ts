import { describe, expect, it } from 'vitest';
import { filterEntries, formatRate } from './catalogue-filter';

const entries = [
  {
    id: 'ct-invalid-not-natted-rst',
    title: 'Out-of-window segment marked INVALID skips NAT',
    summary: 'conntrack INVALID',
    symptoms: ['Envoy answers 503 UC', 'connection reset by peer'],
  },
  {
    id: 'pmtu-blackhole',
    title: 'PMTU black hole',
    summary: 'ICMP dropped',
    symptoms: ['large responses hang'],
  },
];

describe('filterEntries', () => {
  it('keeps everything for an empty query', () => {
    expect(filterEntries(entries, '  ')).toHaveLength(2);
  });

  it('matches every word in id, title, summary or symptoms, ignoring case', () => {
    expect(filterEntries(entries, '503 uc').map((e) => e.id)).toEqual([
      'ct-invalid-not-natted-rst',
    ]);
    expect(filterEntries(entries, 'PMTU').map((e) => e.id)).toEqual(['pmtu-blackhole']);
    expect(filterEntries(entries, 'hang reset')).toEqual([]);
  });
});

describe('formatRate', () => {
  it('shows a percentage, or nothing when nobody reviewed', () => {
    expect(formatRate(0.834)).toBe('83 %');
    expect(formatRate(null)).toBeNull();
  });
});
