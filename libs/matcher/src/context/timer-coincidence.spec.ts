import { describe, expect, it } from 'vitest';
import { HostSettings } from './host-settings.js';
import { coincidingTimer, describeTimer } from './timer-coincidence.js';

const settings = (values: Record<string, string>) =>
  new HostSettings(
    [{ locator: { artifact: 'sysctl.txt' }, values, lines: { [Object.keys(values)[0]!]: 7 } }],
    [],
  );

const CLOSE_WAIT = 'net.netfilter.nf_conntrack_tcp_timeout_close_wait';

describe('coincidingTimer', () => {
  it('matches an interval within 10 % (at least 1.5 s) of a configured timeout', () => {
    const match = coincidingTimer(61.2, [CLOSE_WAIT], settings({ [CLOSE_WAIT]: '60' }));
    expect(match).toMatchObject({
      key: CLOSE_WAIT,
      seconds: 60,
      observed: true,
      relation: 'equals',
    });
    expect(match?.pointer).toMatchObject({ artifact: 'sysctl.txt', locator: 'line 7' });
    expect(describeTimer(match!, 61.2)).toBe(
      '61.2 s matches nf_conntrack_tcp_timeout_close_wait = 60 s (configured)',
    );
  });

  it('falls back on the kernel default and says so', () => {
    const match = coincidingTimer(60, [CLOSE_WAIT], new HostSettings([], []));
    expect(match).toMatchObject({ observed: false, relation: 'equals' });
  });

  it('reports "exceeds" only when asked, and nothing for a shorter interval', () => {
    const s = settings({ [CLOSE_WAIT]: '2' });
    expect(coincidingTimer(9, [CLOSE_WAIT], s)).toBeUndefined();
    expect(coincidingTimer(9, [CLOSE_WAIT], s, true)?.relation).toBe('exceeds');
    expect(coincidingTimer(0.2, [CLOSE_WAIT], s, true)).toBeUndefined();
  });
});
