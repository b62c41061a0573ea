import { describe, expect, it } from 'vitest';
import { MatchContext } from '../context/match-context.js';
import { syntheticBundle } from '../testing/synthetic-bundle.js';
import { conntrackCounter, counted, netCounter } from './counter-readings.js';

const nstat = (overflows: number) =>
  `#kernel\nTcpExtListenOverflows ${overflows} 0.0\nTcpExtListenDrops ${overflows} 0.0\n`;

describe('counter readings', () => {
  it('reads growth between two snapshots, whichever order they come in', async () => {
    const input = await syntheticBundle([
      { path: 'after', content: nstat(40) },
      { path: 'before', content: nstat(3) },
    ]);
    const reading = netCounter(new MatchContext(input), 'TcpExtListenOverflows');
    expect(reading).toMatchObject({ value: 40, growth: 37 });
    expect(reading?.pointer.artifact).toBe('after');
    expect(counted(reading)).toBe(true);
  });

  it('treats an unchanged counter as quiet during the collection, a single non-zero one as counted', async () => {
    const unchanged = await syntheticBundle([
      { path: 'a', content: nstat(5) },
      { path: 'b', content: nstat(5) },
    ]);
    expect(counted(netCounter(new MatchContext(unchanged), 'TcpExtListenOverflows'))).toBe(false);
    const single = await syntheticBundle([{ path: 'a', content: nstat(5) }]);
    expect(counted(netCounter(new MatchContext(single), 'TcpExtListenOverflows'))).toBe(true);
  });

  it('sums conntrack -S counters over CPUs and is undefined for counters never printed', async () => {
    const input = await syntheticBundle([
      {
        path: 'stats',
        content:
          'cpu=0   \tfound=0 invalid=0 insert=0 insert_failed=2 drop=2 early_drop=0 error=0 search_restart=0\n' +
          'cpu=1   \tfound=0 invalid=0 insert=0 insert_failed=3 drop=3 early_drop=0 error=0 search_restart=0\n',
      },
    ]);
    const context = new MatchContext(input);
    expect(conntrackCounter(context, 'insert_failed')?.value).toBe(5);
    expect(counted(conntrackCounter(context, 'early_drop'))).toBe(false);
    expect(conntrackCounter(context, 'clash_resolve')).toBeUndefined();
  });
});
