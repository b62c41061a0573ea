import { describe, expect, it } from 'vitest';
import { syntheticTcpPacket } from '../conntrack/synthetic-packet.js';
import { ReplaySteps, ReplayStep, StepStore, toVerdict } from './replay-step.js';

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

  it('steps of one store are views of its rows: a write through one is read through another', () => {
    const packets = [1, 2, 3].map((n) => ({
      ...syntheticTcpPacket({
        src: '10.0.0.1',
        dst: '10.0.0.2',
        srcPort: 4000,
        dstPort: 80,
        flags: '.',
        seq: n,
        ack: 1,
        payload: 0,
        timeUs: 1_700_000_000_000_000 + n,
      }),
      locator: { artifact: 'b.pcap', packet: n },
    }));
    const steps = new ReplaySteps(new StepStore(packets));
    const asker = new ReplayStep(steps.store, 0);
    asker.response = {
      kind: 'RST',
      flags: 0x14,
      seq: 0,
      ack: 0,
      reason: 'no socket',
      from: { ip: '10.0.0.2', port: 80 },
      to: { ip: '10.0.0.1', port: 4000 },
    };
    (steps.at(0) as ReplayStep).observedAt = 2;
    new ReplayStep(steps.store, 2).note('the answer');
    expect(steps.length).toBe(3);
    expect(steps.at(5)).toBeUndefined();
    expect(steps.at(-1)?.notes).toEqual(['the answer']);
    expect([...steps].map((step) => step.packet.locator.packet)).toEqual([1, 2, 3]);
    expect(toVerdict(asker, steps)).toMatchObject({
      response: { kind: 'RST', from: '10.0.0.2:80' },
      observedResponse: { capture: 'b.pcap', index: 3 },
    });
    expect(toVerdict(new ReplayStep(steps.store, 1), steps)).toMatchObject({
      ctinfo: null,
      entryId: null,
      filter: { verdict: 'NONE' },
    });
  });
});
