import { describe, expect, it } from 'vitest';
import type { FlowEvent, FlowPacket } from '../ladder/flow-packet';
import { entryLifetimes, tickColumns } from './entry-lifetimes';

function packet(timeUs: number, entryId: number | null, invalid = false): FlowPacket {
  return {
    capture: 'c.pcap',
    index: timeUs,
    time: '',
    timeUs,
    path: 'in',
    summary: '',
    natApplied: false,
    filterVerdict: 'accept',
    entryId,
    invalidReason: invalid ? 'out of window' : null,
  };
}

function event(timeUs: number, kind: string, entryId: number): FlowEvent {
  return { time: '', timeUs, kind, entryId, note: kind };
}

describe('entryLifetimes', () => {
  it('should give each entry its birth, changes, expiry and packets, then the packets without one', () => {
    const rows = entryLifetimes(
      [packet(10, 1), packet(20, 1), packet(500, null, true), packet(600, 2)],
      [
        event(10, 'created', 1),
        event(20, 'updated', 1),
        event(400, 'expired', 1),
        event(600, 'created', 2),
      ],
    );
    expect(rows.map((r) => [r.entryId, r.startUs, r.endUs, r.ending])).toEqual([
      [1, 10, 400, 'expired'],
      [2, 600, 600, null],
      [null, 500, 500, null],
    ]);
    expect(rows[0]?.changes.map((c) => c.kind)).toEqual(['created', 'updated', 'expired']);
    expect(rows[0]?.packetTimes).toEqual([10, 20]);
    expect(rows[2]?.invalidTimes).toEqual([500]);
  });

  it('should span an entry known only from its packets', () => {
    const [row] = entryLifetimes([packet(5, 9), packet(50, 9)], []);
    expect([row?.startUs, row?.endUs]).toEqual([5, 50]);
  });
});

describe('tickColumns', () => {
  it('should merge ticks that land on the same pixel and drop those outside', () => {
    const times = Array.from({ length: 10_000 }, (_, i) => i);
    const columns = tickColumns(times, (t) => t / 100, 50);
    expect(columns).toHaveLength(51);
    expect(columns.reduce((sum, c) => sum + c.count, 0)).toBe(5050);
  });
});
