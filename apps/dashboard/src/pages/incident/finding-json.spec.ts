import { describe, expect, it } from 'vitest';
import { evidencePointers, flowRef, remediations } from './finding-json';

describe('finding JSON readers', () => {
  it('should keep well-formed evidence and skip the rest', () => {
    expect(
      evidencePointers([
        { artifact: 'capture.pcap', locator: 'packet 3', note: 'RST' },
        { locator: 'line 1' },
        'junk',
      ]),
    ).toEqual([{ artifact: 'capture.pcap', locator: 'packet 3', note: 'RST' }]);
    expect(evidencePointers(null)).toEqual([]);
  });

  it('should read remediation with its steps and what-if proof', () => {
    expect(
      remediations([
        {
          id: 'drop-invalid',
          title: 'Drop INVALID',
          steps: [{ language: 'shell', code: 'iptables -A …' }, { language: 'x' }],
          tradeoffs: ['none', 3],
          proof: { verdict: 'removes-failure', detail: 'no RST', changes: ['a'] },
        },
        { id: 'other', proof: { verdict: 'maybe' } },
      ]),
    ).toEqual([
      {
        id: 'drop-invalid',
        title: 'Drop INVALID',
        steps: [{ label: undefined, language: 'shell', code: 'iptables -A …' }],
        tradeoffs: ['none'],
        proof: { verdict: 'removes-failure', detail: 'no RST', changes: ['a'] },
      },
      { id: 'other', title: 'other', steps: [], tradeoffs: [], proof: null },
    ]);
  });

  it('should read the flow, with its backend when known', () => {
    expect(flowRef({ client: 'a:1', server: 'b:2' })).toEqual({ client: 'a:1', server: 'b:2' });
    expect(flowRef({ client: 'a:1', server: 'b:2', backend: 'c:3' })?.backend).toBe('c:3');
    expect(flowRef({ client: 'a:1' })).toBeNull();
  });
});
