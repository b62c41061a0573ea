import { describe, expect, it } from 'vitest';
import {
  eventsFrom,
  parseConntrackEventLine,
  parseConntrackEvents,
} from './conntrack-event-text.js';

const STAMPED =
  '[1795326561.662521]\t [UPDATE] tcp      6 2 CLOSE_WAIT src=10.78.21.2 dst=10.78.21.10 sport=40000 ' +
  'dport=7777 src=127.0.0.1 dst=10.78.21.2 sport=15001 dport=40000 [ASSURED]';
const DESTROY =
  '[DESTROY] tcp      6 CLOSE_WAIT src=10.78.21.2 dst=10.78.21.10 sport=40000 dport=7777 ' +
  'src=127.0.0.1 dst=10.78.21.2 sport=15001 dport=40000 [ASSURED]';
const NO_STATE =
  '[1795326565.530223]\t [UPDATE] tcp      6 120 src=10.78.21.2 dst=10.78.21.10 sport=40000 ' +
  'dport=7777 src=127.0.0.1 dst=10.78.21.2 sport=15001 dport=40000';

describe('conntrack -E lines', () => {
  it('reads time, type, state and the original tuple', () => {
    expect(parseConntrackEventLine(STAMPED)).toMatchObject({
      time: 1795326561.662521,
      type: 'UPDATE',
      state: 'CLOSE_WAIT',
      origin: '10.78.21.2:40000',
      target: '10.78.21.10:7777',
    });
  });

  it('reads lines without a timestamp, a timer or a state name', () => {
    const destroy = parseConntrackEventLine(DESTROY);
    expect(destroy).toMatchObject({ type: 'DESTROY', state: 'CLOSE_WAIT' });
    expect(destroy?.time).toBeUndefined();
    expect(parseConntrackEventLine(NO_STATE)).toMatchObject({ type: 'UPDATE', state: '' });
  });

  it('skips the summary line and picks one flow', () => {
    const events = parseConntrackEvents(
      `${STAMPED}\n${DESTROY}\nconntrack v1.4.7 (conntrack-tools): 2 flow events have been shown.\n`,
    );
    expect(events).toHaveLength(2);
    expect(eventsFrom(events, '10.78.21.2:40000')).toHaveLength(2);
    expect(eventsFrom(events, '10.78.21.2:40001')).toHaveLength(0);
  });
});
