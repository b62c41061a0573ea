import { describe, expect, it } from 'vitest';
import { SimulationItemScanner, type SimulationSection } from './simulation-items.js';

function scan(chunks: readonly string[]): [SimulationSection, unknown][] {
  const items: [SimulationSection, unknown][] = [];
  const scanner = new SimulationItemScanner((section, text) =>
    items.push([section, JSON.parse(text)]),
  );
  for (const chunk of chunks) scanner.push(chunk);
  return items;
}

const PACKETS = [
  { index: 1, summary: 'SYN from 10.0.0.1:1 to 10.0.0.2:2', nat: { applied: false } },
  { index: 2, summary: 'a "quoted} brace\\" here', notes: ['x]'] },
];

const DOCUMENT = JSON.stringify({
  input: { packets: 2, captures: ['a.pcap'], odd: '[{"packets":[1]}]' },
  packets: PACKETS,
  timeline: [{ kind: 'created', entryId: 7 }],
  report: { packets: [{ nope: true }] },
});

describe('SimulationItemScanner', () => {
  it('should yield every packet and timeline item, and nothing from input or report', () => {
    expect(scan([DOCUMENT])).toEqual([
      ['packets', PACKETS[0]],
      ['packets', PACKETS[1]],
      ['timeline', { kind: 'created', entryId: 7 }],
    ]);
  });

  it('should give the same items however the text is cut into chunks', () => {
    const whole = scan([DOCUMENT]);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: string[] = [];
      for (let at = 0; at < DOCUMENT.length; at += size) chunks.push(DOCUMENT.slice(at, at + size));
      expect(scan(chunks)).toEqual(whole);
    }
  });

  it('should yield nothing for empty arrays', () => {
    expect(scan(['{"input":{},"packets":[],"timeline":[],"report":{}}'])).toEqual([]);
  });
});
