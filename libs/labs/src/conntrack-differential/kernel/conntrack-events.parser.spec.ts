import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConntrackEvents } from './conntrack-events.parser.js';

const text = readFileSync(
  new URL('../__fixtures__/conntrack-events-redirect-simultaneous-open.txt', import.meta.url),
  'utf8',
);

describe('parseConntrackEvents', () => {
  const events = parseConntrackEvents(text);

  it('reads every line of a real `conntrack -E -o timestamp,id` run', () => {
    expect(events).toHaveLength(text.trim().split('\n').length);
  });

  it('takes type, state, timer, mark, id and both tuples from a NEW event', () => {
    expect(events[0]).toEqual({
      timeUs: 1795318030665298,
      type: 'NEW',
      state: 'SYN_SENT',
      timeoutSec: 120,
      mark: 1,
      id: 557656780,
      original: { src: '10.77.1.2', dst: '10.77.2.2', sport: 20004, dport: 40004 },
      reply: { src: '10.77.2.2', dst: '10.77.1.2', sport: 40004, dport: 20004 },
      flags: ['UNREPLIED'],
    });
  });

  it('leaves the state out when the event does not carry it (it did not change)', () => {
    const unchanged = events.find((e) => e.type === 'UPDATE' && e.mark === 4);
    expect(unchanged?.state).toBeUndefined();
    expect(unchanged?.timeoutSec).toBe(60);
  });

  it('shows the REDIRECT binding in the reply tuple', () => {
    expect(events.find((e) => e.mark === 7)?.reply).toEqual({
      src: '10.77.1.1',
      dst: '10.77.1.2',
      sport: 15001,
      dport: 20380,
    });
  });

  it('skips lines that are not TCP events', () => {
    expect(
      parseConntrackEvents('conntrack v1.4.7 (conntrack-tools): 3 flow events have been shown.\n'),
    ).toEqual([]);
  });
});
