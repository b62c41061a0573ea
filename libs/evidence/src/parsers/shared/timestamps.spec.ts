import { describe, expect, it } from 'vitest';
import { parseCtime, parseIso, partialTime } from './timestamps.js';

describe('timestamps', () => {
  it('reads RFC 3339 with any precision and zone, to the microsecond', () => {
    expect(parseIso('2026-01-14T10:15:02.871Z')).toBe(
      Date.UTC(2026, 0, 14, 10, 15, 2) * 1000 + 871_000,
    );
    expect(parseIso('2026-01-14T10:21:12.004511372Z')).toBe(
      Date.UTC(2026, 0, 14, 10, 21, 12) * 1000 + 4511,
    );
    expect(parseIso('2026-01-14T08:00:00,412771+00:00')).toBe(
      Date.UTC(2026, 0, 14, 8) * 1000 + 412_771,
    );
    expect(parseIso('2026-01-14T10:00:00+02:00')).toBe(Date.UTC(2026, 0, 14, 8) * 1000);
    expect(parseIso('2026-01-14 10:21:07,412')).toBe(
      Date.UTC(2026, 0, 14, 10, 21, 7) * 1000 + 412_000,
    );
    expect(parseIso('2026-13-14T10:00:00Z')).toBeUndefined();
  });

  it('reads ctime and keeps year-less times as ISO --MM-DD', () => {
    expect(parseCtime('Wed Jan 14 08:00:00 2026')).toBe(Date.UTC(2026, 0, 14, 8) * 1000);
    expect(partialTime(0, 14, '10:21:07', '412093')).toBe('--01-14T10:21:07.412093');
    expect(partialTime(12, 1, '00:00:00')).toBeUndefined();
  });
});
