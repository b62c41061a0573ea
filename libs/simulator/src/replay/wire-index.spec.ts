import { describe, expect, it } from 'vitest';
import {
  ConntrackTable,
  DEFAULT_CONNTRACK_SETTINGS,
  kernelProfileById,
} from '../conntrack/index.js';
import { WireIndex } from './wire-index.js';

const table = new ConntrackTable({
  settings: DEFAULT_CONNTRACK_SETTINGS,
  profile: kernelProfileById('6.2+'),
});
const seeded = (dst: string, reply: string, replyPort = 8080) =>
  table.seed(
    {
      locator: { artifact: 'conntrack.txt', line: 1 },
      family: 'ipv4',
      protocol: 'tcp',
      protocolNumber: 6,
      tcpState: 'ESTABLISHED',
      original: { src: '10.244.1.5', dst, srcPort: 40000, dstPort: 80 },
      reply: { src: reply, dst: '10.244.1.5', srcPort: replyPort, dstPort: 40000 },
      assured: true,
      unreplied: false,
    },
    0,
  );

describe('WireIndex', () => {
  it('maps both translated directions of a DNAT back to the tuples conntrack keys', () => {
    const index = new WireIndex();
    const entry = seeded('10.96.0.20', '10.244.2.7');
    index.addEntry(entry);
    expect(index.size).toBe(2);
    // The request after DNAT, and the answer after un-NAT.
    const out = index.find({
      protocol: 6,
      src: '10.244.1.5',
      srcPort: 40000,
      dst: '10.244.2.7',
      dstPort: 8080,
    });
    expect(out?.tuple).toBe(entry.original);
    const back = index.find({
      protocol: 6,
      src: '10.96.0.20',
      srcPort: 80,
      dst: '10.244.1.5',
      dstPort: 40000,
    });
    expect(back?.tuple).toBe(entry.reply);
    expect(
      index.find({
        protocol: 17,
        src: '10.96.0.20',
        srcPort: 80,
        dst: '10.244.1.5',
        dstPort: 40000,
      }),
    ).toBeUndefined();
    index.removeEntry(entry);
    expect(index.size).toBe(0);
    expect(
      index.find({
        protocol: 6,
        src: '10.96.0.20',
        srcPort: 80,
        dst: '10.244.1.5',
        dstPort: 40000,
      }),
    ).toBeUndefined();
  });

  it('keeps nothing for an entry NAT does not change', () => {
    const index = new WireIndex();
    index.addEntry(seeded('10.244.2.8', '10.244.2.8', 80));
    expect(index.size).toBe(0);
  });
});
