import { describe, expect, it } from 'vitest';
import type { FlowPacket } from './flow-packet';
import {
  clientSide,
  focusPosition,
  layoutLadder,
  overviewBins,
  ROW_MAX,
  ROW_MIN,
  windowAround,
} from './ladder-layout';

function packet(index: number, timeUs: number, extra: Partial<FlowPacket> = {}): FlowPacket {
  return {
    capture: 'capture.pcap',
    index,
    time: '',
    timeUs,
    path: 'in',
    summary: `ACK from 10.0.0.2:4000 to 10.0.0.1:80`,
    from: '10.0.0.2:4000',
    to: '10.0.0.1:80',
    flags: 'ACK',
    natApplied: false,
    filterVerdict: 'accept',
    ...extra,
  };
}

const CLIENT = '10.0.0.2:4000';

describe('layoutLadder', () => {
  it('should run client packets right, server packets left, and stop delivered ones at the host', () => {
    const packets = [
      packet(1, 0, {
        flags: 'SYN',
        natApplied: true,
        natTranslated: '10.0.0.2:4000 > 10.0.0.5:8080',
      }),
      packet(2, 10, { from: '10.0.0.5:8080', to: '10.0.0.2:4000', flags: 'SYN,ACK' }),
      packet(3, 20, { deliveredTo: 'tcp 10.0.0.1:80' }),
      packet(4, 30, {
        path: 'out',
        from: '10.0.0.1:80',
        to: '10.0.0.2:4000',
        flags: 'RST',
        deliveredTo: 'tcp 10.0.0.1:80',
      }),
    ];
    const { arrows } = layoutLadder(packets, { start: 0, end: 4 }, clientSide(packets, CLIENT));
    expect(arrows.map((a) => [a.fromLane, a.toLane])).toEqual([
      [0, 2],
      [2, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(arrows[0]?.markers).toEqual(['nat']);
    expect(arrows[3]?.markers).toEqual(['rst']);
    expect(arrows[0]?.label).toBe('#1 SYN');
  });

  it('should mark INVALID, NAT skipped and the host answer drawn back to the sender', () => {
    const packets = [
      packet(7, 0, {
        invalidReason: 'out of window',
        natSkippedBecause: 'INVALID',
        responseKind: 'CHALLENGE_ACK',
        responseFlags: 'ACK',
      }),
    ];
    const [arrow] = layoutLadder(packets, { start: 0, end: 1 }, new Set([CLIENT])).arrows;
    expect(arrow?.markers).toEqual(['invalid', 'nat-skipped']);
    expect(arrow?.response).toEqual({ toLane: 0, label: 'ACK CHALLENGE_ACK' });
    const plain = layoutLadder(
      [packet(8, 0, { responseKind: 'ACK' })],
      { start: 0, end: 1 },
      new Set([CLIENT]),
    );
    expect(plain.arrows[0]?.response).toBeNull();
    expect(plain.arrows[0]?.markers).toEqual([]);
    const reset = layoutLadder(
      [packet(9, 0, { responseKind: 'RST', responseFlags: 'RST' })],
      { start: 0, end: 1 },
      new Set([CLIENT]),
    );
    expect(reset.arrows[0]?.response?.label).toBe('RST');
  });

  it('should follow time but keep rows apart, and label long pauses', () => {
    const packets = [packet(1, 0), packet(2, 1), packet(3, 2), packet(4, 60_000_000)];
    const { arrows, height } = layoutLadder(packets, { start: 0, end: 4 }, new Set([CLIENT]));
    const ys = arrows.map((a) => a.y);
    for (let i = 1; i < ys.length; i++) {
      expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(ROW_MIN);
      expect(ys[i]! - ys[i - 1]!).toBeLessThanOrEqual(ROW_MAX);
    }
    expect(ys[3]! - ys[2]!).toBeGreaterThan(ys[2]! - ys[1]!);
    expect(arrows.map((a) => a.gapBefore)).toEqual([null, null, null, 59.999998]);
    expect(height).toBeGreaterThan(ys[3]!);
  });

  it('should treat source-NATed packets of the client as the client', () => {
    const packets = [
      packet(1, 0, { natApplied: true, natTranslated: '192.0.2.1:61000 > 10.0.0.1:80' }),
      packet(2, 5, { from: '192.0.2.1:61000', to: '10.0.0.1:80' }),
    ];
    const side = clientSide(packets, CLIENT);
    expect(side.has('192.0.2.1:61000')).toBe(true);
    expect(layoutLadder(packets, { start: 1, end: 2 }, side).arrows[0]?.fromLane).toBe(0);
  });
});

describe('windows over thousands of packets', () => {
  const many = Array.from({ length: 10_000 }, (_, i) =>
    packet(i + 1, i * 1000, i === 8123 ? { flags: 'RST' } : {}),
  );

  it('should focus the first remarkable packet, with room before and after it', () => {
    expect(focusPosition(many)).toBe(8123);
    expect(focusPosition([packet(1, 0), packet(2, 1)])).toBe(1);
    const mixed = [
      packet(1, 0, { responseKind: 'CHALLENGE_ACK' }),
      packet(2, 1, { flags: 'RST' }),
      packet(3, 2, { invalidReason: 'x' }),
    ];
    expect(focusPosition(mixed)).toBe(2);
    const window = windowAround(8123, 60, many.length);
    expect(window.end - window.start).toBe(60);
    expect(window.start).toBeLessThan(8123);
    expect(window.end).toBeGreaterThan(8123);
    expect(windowAround(9_999, 60, many.length)).toEqual({ start: 9_940, end: 10_000 });
    expect(windowAround(3, 60, 10)).toEqual({ start: 0, end: 10 });
  });

  it('should summarise the flow in bins that point at the trouble', () => {
    const bins = overviewBins(many, 100);
    expect(bins).toHaveLength(100);
    expect(bins.reduce((sum, bin) => sum + bin.packets, 0)).toBe(10_000);
    expect(bins.filter((bin) => bin.remarkable > 0).map((bin) => bin.start)).toEqual([8100]);
  });
});
