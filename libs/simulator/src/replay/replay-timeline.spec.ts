import { describe, expect, it } from 'vitest';
import { timelineJson } from './replay-timeline.js';

const entry = {
  id: 7,
  original: { protocol: 6, src: '10.0.0.1', srcPort: 4000, dst: '10.96.0.1', dstPort: 80 },
  reply: { protocol: 6, src: '10.244.1.2', srcPort: 8080, dst: '10.0.0.1', dstPort: 4000 },
};

describe('timelineJson', () => {
  it('writes the sentence of each kind from the compact record', () => {
    const expired = timelineJson(
      {
        kind: 'expired',
        timeUs: 1_700_000_100_000_000,
        entry,
        from: 'ESTABLISHED',
        timer: 'ESTABLISHED',
      },
      [],
    );
    expect(expired).toMatchObject({
      kind: 'expired',
      entryId: 7,
      timer: 'ESTABLISHED',
      time: '2023-11-14T22:15:00.000000Z',
    });
    expect(expired.note).toBe(
      'entry 7 (10.0.0.1:4000 > 10.96.0.1:80) expired at 22:15:00.000000: its ESTABLISHED timer ran out in ESTABLISHED',
    );
    const created = timelineJson({ kind: 'created', timeUs: 0, entry, to: 'SYN_SENT' }, []);
    expect(created.note).toBe(
      'entry 7 (10.0.0.1:4000 > 10.96.0.1:80) created in SYN_SENT, NATed to 10.0.0.1:4000 > 10.244.1.2:8080',
    );
    const given = timelineJson(
      { kind: 'anchor-disagrees', timeUs: 0, note: 'as written', anchor: 'x:1' },
      [],
    );
    expect(given).toMatchObject({ note: 'as written', anchor: 'x:1', entryId: null });
  });
});
