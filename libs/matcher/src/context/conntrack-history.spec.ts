import type { ConntrackEvent } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { conntrackHistories, findRenats } from './conntrack-history.js';

function event(
  type: ConntrackEvent['type'],
  line: number,
  backend: string,
  timeUs: number,
): ConntrackEvent {
  return {
    type,
    timeUs,
    locator: { artifact: 'events.txt', line },
    family: 'ipv4',
    protocol: 'tcp',
    protocolNumber: 6,
    original: { src: '10.1.0.5', dst: '10.96.0.10', srcPort: 40000, dstPort: 80 },
    reply: { src: backend, dst: '10.1.0.5', srcPort: 8080, dstPort: 40000 },
    assured: false,
    unreplied: false,
  };
}

describe('findRenats', () => {
  it('finds a DESTROY then NEW of one client tuple bound to another backend', () => {
    const histories = conntrackHistories([
      event('NEW', 1, '10.2.0.7', 1),
      event('UPDATE', 2, '10.2.0.7', 2),
      event('DESTROY', 3, '10.2.0.7', 30),
      event('NEW', 4, '10.2.0.9', 31),
    ]);
    const [renat] = findRenats(histories);
    expect(renat).toMatchObject({ before: '10.2.0.7:8080', after: '10.2.0.9:8080' });
    expect(renat?.recreated.locator.line).toBe(4);
  });

  it('ignores a tuple reborn to the same backend, and a first NEW', () => {
    expect(
      findRenats(
        conntrackHistories([
          event('NEW', 1, '10.2.0.7', 1),
          event('DESTROY', 2, '10.2.0.7', 5),
          event('NEW', 3, '10.2.0.7', 6),
        ]),
      ),
    ).toEqual([]);
  });
});
