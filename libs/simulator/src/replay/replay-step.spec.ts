import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { ReplayStep, toVerdict } from './replay-step.js';

describe('toVerdict', () => {
  it('builds the contract’s JSON from the compact record, with the tuple after NAT computed from the entry', () => {
    const packet = {
      ...syntheticTcpPacket({
        src: '10.0.0.1',
        dst: '10.96.0.1',
        srcPort: 4000,
        dstPort: 80,
        flags: 'P.',
        seq: 1,
        ack: 1,
        payload: 10,
        timeUs: 1_700_000_000_000_001,
      }),
      locator: { artifact: 'a.pcap', packet: 12 },
    };
    const step = new ReplayStep(packet);
    step.ctinfo = 'ESTABLISHED';
    step.stateBefore = 'ESTABLISHED';
    step.stateAfter = 'ESTABLISHED';
    step.entryId = 3;
    step.natKind = 'DNAT (entry)';
    step.natEntry = {
      original: { protocol: 6, src: '10.0.0.1', srcPort: 4000, dst: '10.96.0.1', dstPort: 80 },
      reply: { protocol: 6, src: '10.244.1.2', srcPort: 8080, dst: '10.0.0.1', dstPort: 4000 },
    };
    step.filterVerdict = 'ACCEPT';
    step.filterChain = 'filter FORWARD';
    const verdict = toVerdict(step, [step]);
    expect(verdict).toMatchObject({
      capture: 'a.pcap',
      index: 12,
      time: '2023-11-14T22:13:20.000001Z',
      summary: 'PSH,ACK 10 bytes from 10.0.0.1:4000 to 10.96.0.1:80',
      ctinfo: 'ESTABLISHED',
      entryId: 3,
      nat: {
        applied: true,
        kind: 'DNAT (entry)',
        translated: { src: '10.0.0.1', srcPort: 4000, dst: '10.244.1.2', dstPort: 8080 },
      },
      filter: { verdict: 'ACCEPT', chain: 'filter FORWARD' },
      delivery: null,
      response: null,
    });
    expect(verdict).not.toHaveProperty('invalidReason');
    expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
  });
});
