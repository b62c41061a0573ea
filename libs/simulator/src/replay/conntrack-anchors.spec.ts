import type { ConntrackEntry, ConntrackEvent } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ConntrackAnchors } from './conntrack-anchors.js';

const entry = (backend: string, extra: Partial<ConntrackEvent> = {}): ConntrackEvent => ({
  locator: { artifact: 'conntrack.txt', line: 1 },
  type: 'NEW',
  family: 'ipv4',
  protocol: 'tcp',
  protocolNumber: 6,
  original: { src: '10.244.1.5', dst: '10.96.0.20', srcPort: 40000, dstPort: 80 },
  reply: { src: backend, dst: '10.244.1.5', srcPort: 8080, dstPort: 40000 },
  assured: false,
  unreplied: true,
  ...extra,
});

const original = { protocol: 6, src: '10.244.1.5', srcPort: 40000, dst: '10.96.0.20', dstPort: 80 };

describe('ConntrackAnchors', () => {
  it('gives the binding closest after a time, preferring timed events to a listing', () => {
    const listing: ConntrackEntry = entry('10.244.9.9');
    const anchors = new ConntrackAnchors(
      [listing],
      [
        entry('10.244.2.7', { timeUs: 1_000 }),
        entry('10.244.3.9', { timeUs: 9_000_000, locator: { artifact: 'e.txt', line: 9 } }),
      ],
    );
    expect(anchors.bindingFor(original, 900)?.reply.src).toBe('10.244.2.7');
    expect(anchors.bindingFor(original, 8_000_000)?.reply.src).toBe('10.244.3.9');
    expect(anchors.timedEvents).toHaveLength(2);
  });

  it('maps a packet seen after DNAT back to its original tuple', () => {
    const anchors = new ConntrackAnchors([entry('10.244.2.7')], []);
    const seen = {
      protocol: 6,
      src: '10.244.1.5',
      srcPort: 40000,
      dst: '10.244.2.7',
      dstPort: 8080,
    };
    expect(anchors.originalForTranslated(seen, 0)?.original).toEqual(original);
    expect(anchors.originalForTranslated({ ...seen, dstPort: 9 }, 0)).toBeUndefined();
  });
});
