import { describe, expect, it } from 'vitest';
import { compactPacket, toSimulatedPacket, toTimelineEvent } from './simulation.mapper.js';
import type { StoredPacketVerdict } from './stored-documents.js';

const VERDICT: StoredPacketVerdict = {
  capture: 'capture.pcap',
  index: 812,
  time: '2026-01-14T10:30:01.123456Z',
  timeUs: 1_768_386_601_123_456,
  path: 'in',
  summary: 'RST,ACK from 10.78.0.5:8080 to 10.78.0.2:40000',
  ctinfo: null,
  ctStateBefore: 'ESTABLISHED',
  ctStateAfter: 'ESTABLISHED',
  entryId: 3,
  invalidReason: 'seq out of window',
  nat: { applied: false, skippedBecause: 'INVALID packets are not NATed' },
  filter: { verdict: 'accept' },
  delivery: null,
  response: null,
};

describe('toSimulatedPacket', () => {
  it('should flatten the verdict with flags and endpoints read from the summary', () => {
    expect(toSimulatedPacket(VERDICT)).toMatchObject({
      index: 812,
      flags: 'RST,ACK',
      from: '10.78.0.5:8080',
      to: '10.78.0.2:40000',
      invalidReason: 'seq out of window',
      natApplied: false,
      natSkippedBecause: 'INVALID packets are not NATed',
      natTranslated: null,
      responseKind: null,
      notes: [],
    });
  });

  it('should print translated tuples and leave non-TCP flags empty', () => {
    const packet = toSimulatedPacket({
      ...VERDICT,
      summary: 'UDP from 10.0.0.1:53 to 10.0.0.2:9',
      nat: {
        applied: true,
        translated: { protocol: 17, src: 'fd78::1', srcPort: 1, dst: '10.0.0.3', dstPort: 2 },
      },
      response: { kind: 'challenge-ack', flags: 'ACK', from: 'a', to: 'b', reason: 'r' },
    });
    expect(packet.flags).toBeNull();
    expect(packet.natTranslated).toBe('[fd78::1]:1 > 10.0.0.3:2');
    expect(packet.responseKind).toBe('challenge-ack');
  });
});

describe('toTimelineEvent', () => {
  it('should keep the packet that caused the change', () => {
    expect(
      toTimelineEvent({
        time: 't',
        timeUs: 1,
        kind: 'updated',
        entryId: 3,
        from: 'SYN_SENT',
        to: 'SYN_RECV',
        packet: { capture: 'c.pcap', index: 2 },
        note: 'n',
      }),
    ).toEqual({
      time: 't',
      timeUs: 1,
      kind: 'updated',
      entryId: 3,
      from: 'SYN_SENT',
      to: 'SYN_RECV',
      timer: null,
      tuple: null,
      packetIndex: 2,
      packetCapture: 'c.pcap',
      note: 'n',
    });
  });
});

describe('compactPacket', () => {
  it('should leave out empty fields and keep false and zero', () => {
    const compact = compactPacket(toSimulatedPacket({ ...VERDICT, index: 0 }));
    expect(compact).not.toHaveProperty('natTranslated');
    expect(compact).not.toHaveProperty('notes');
    expect(compact).toMatchObject({ index: 0, natApplied: false, flags: 'RST,ACK' });
  });
});
