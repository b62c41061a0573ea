import { describe, expect, it } from 'vitest';
import { keepaliveSchedule, nextKeepaliveEvent } from './keepalive-schedule.js';

describe('keepaliveSchedule', () => {
  it('probes after the idle time, then every interval, and resets after the last', () => {
    const events = keepaliveSchedule({ timeSec: 60, intervalSec: 10, probes: 3 }, 1_000_000);
    expect(events).toEqual([
      { atUs: 61_000_000, what: 'keepalive-probe', probe: 1 },
      { atUs: 71_000_000, what: 'keepalive-probe', probe: 2 },
      { atUs: 81_000_000, what: 'keepalive-probe', probe: 3 },
      { atUs: 91_000_000, what: 'keepalive-reset' },
    ]);
  });

  it('matches the Linux defaults: reset 7200 + 75 * 9 s after the last segment', () => {
    const events = keepaliveSchedule({ timeSec: 7200, intervalSec: 75, probes: 9 }, 0);
    expect(events.at(-1)).toEqual({ atUs: 7875_000_000, what: 'keepalive-reset' });
    expect(events).toHaveLength(10);
  });

  it('lists only the probes still to come', () => {
    const events = keepaliveSchedule({ timeSec: 60, intervalSec: 10, probes: 3 }, 0, 2);
    expect(events.map((e) => e.what)).toEqual(['keepalive-probe', 'keepalive-reset']);
    expect(events[0]).toMatchObject({ probe: 3, atUs: 80_000_000 });
  });

  it('agrees with nextKeepaliveEvent at every step', () => {
    const settings = { timeSec: 30, intervalSec: 5, probes: 4 };
    for (let sent = 0; sent <= 4; sent++) {
      expect(nextKeepaliveEvent(settings, 7, sent)).toEqual(
        keepaliveSchedule(settings, 7, sent)[0],
      );
    }
    expect(nextKeepaliveEvent({ timeSec: 1, intervalSec: 1, probes: 0 }, 0)).toEqual({
      atUs: 1_000_000,
      what: 'keepalive-reset',
    });
  });
});
