import { describe, expect, it } from 'vitest';
import { scheduleBatch } from '../packets/batch-schedule.js';
import { generateSuite } from '../sequences/generate-suite.js';
import type { ConntrackEventLine } from './conntrack-events.parser.js';
import { collectVerdicts } from './kernel-runner.js';
import type { NflogRecord } from './nflog.reader.js';

describe('collectVerdicts', () => {
  const sequence = generateSuite().find((s) => s.id === 'handshake/normal-1');
  if (sequence === undefined) throw new Error('suite lost handshake/normal-1');
  const batch = scheduleBatch([sequence]);
  const ids = batch.segments.map((s) => s.packetId);
  const record = (id: number, prefix: string, dst = '10.0.0.9', dstPort = 80): NflogRecord => ({
    timeUs: 1000 + id,
    prefix,
    ipVersion: sequence.ipVersion,
    packetId: id,
    src: '10.0.0.1',
    dst,
    srcPort: 1,
    dstPort,
  });
  const event = (
    mark: number,
    type: ConntrackEventLine['type'],
    state?: ConntrackEventLine['state'],
  ): ConntrackEventLine => ({
    type,
    ...(state === undefined ? {} : { state }),
    timeoutSec: 100,
    mark,
    id: 77,
    original: { src: 'a', dst: 'b', sport: 1, dport: 2 },
    flags: [],
  });
  const [p1, p2, p3, p4, p5] = ids as [number, number, number, number, number];

  it('joins log prefixes, NAT logs and events onto the segments by packet id', () => {
    const warnings: string[] = [];
    const records = [
      record(p1, 'PRE NEW ORIGINAL'),
      record(p1, 'POST FORWARD', '10.0.0.42', 8080),
      record(p2, 'PRE ESTABLISHED REPLY'),
      record(p2, 'POST FORWARD'),
      record(p3, 'PRE ESTABLISHED ORIGINAL'),
      record(p4, 'PRE INVALID'),
      record(p5, 'PRE ESTABLISHED REPLY'),
    ];
    const events = [
      event(p1, 'NEW', 'SYN_SENT'),
      event(p2, 'UPDATE', 'SYN_RECV'),
      event(p3, 'UPDATE'),
      event(p5, 'UPDATE', 'ESTABLISHED'),
    ];
    const [result] = collectVerdicts(batch, records, events, warnings);
    const packets = result?.packets ?? [];
    expect(packets.map((p) => [p.ctinfo, p.direction, p.stateAfter])).toEqual([
      ['NEW', 'original', 'SYN_SENT'],
      ['ESTABLISHED', 'reply', 'SYN_RECV'],
      // No state in its event: the state did not change.
      ['ESTABLISHED', 'original', 'SYN_RECV'],
      ['INVALID', undefined, undefined],
      ['ESTABLISHED', 'reply', 'ESTABLISHED'],
    ]);
    expect(packets[0]?.natDestination).toEqual({ address: '10.0.0.42', port: 8080 });
    // Server-to-client segments are not NAT-checked.
    expect(packets[1]?.natDestination).toBeUndefined();
    expect(packets[0]?.entryId).toBe(77);
    expect(warnings).toEqual([]);
  });

  it('marks packets the router never logged, and a batch without events, as broken runs', () => {
    const warnings: string[] = [];
    const [result] = collectVerdicts(batch, [record(p1, 'PRE NEW ORIGINAL')], [], warnings);
    expect(result?.packets[1]?.ctinfo).toBe('MISSING');
    expect(warnings.some((w) => w.includes('not logged'))).toBe(true);
    expect(warnings.some((w) => w.includes('no conntrack events'))).toBe(true);
  });

  it('reports a packet logged twice', () => {
    const warnings: string[] = [];
    collectVerdicts(
      batch,
      [record(p1, 'PRE NEW ORIGINAL'), record(p1, 'PRE NEW ORIGINAL')],
      [event(p1, 'NEW', 'SYN_SENT')],
      warnings,
    );
    expect(warnings.some((w) => w.includes('logged twice'))).toBe(true);
  });
});
