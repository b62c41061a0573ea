import { describe, expect, it } from 'vitest';
import { directionOf, TrackedEntry } from './conntrack-record.js';

describe('TrackedEntry', () => {
  it('arms timers as absolute microseconds and names them', () => {
    const t = { protocol: 6, src: 'a', srcPort: 1, dst: 'b', dstPort: 2 };
    const entry = new TrackedEntry(7, t, t, 5_000_000);
    expect([entry.id, entry.createdUs, entry.lastSeenUs, entry.confirmed]).toEqual([
      7,
      5_000_000,
      5_000_000,
      false,
    ]);
    entry.arm(6_000_000, 120, 'SYN_SENT');
    expect([entry.expiresUs, entry.timerState]).toEqual([126_000_000, 'SYN_SENT']);
  });

  it('serialises to the public record, without the tracker state', () => {
    const t = { protocol: 6, src: 'a', srcPort: 1, dst: 'b', dstPort: 2 };
    const entry = new TrackedEntry(1, t, t, 0);
    const json = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
    expect(json).toMatchObject({ id: 1, original: t, confirmed: false });
    expect(json).not.toHaveProperty('tcp');
  });

  it('names directions like --ctdir', () => {
    expect([directionOf(0), directionOf(1)]).toEqual(['original', 'reply']);
  });
});
