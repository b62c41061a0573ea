import { describe, expect, it } from 'vitest';
import { healthProblems, type BundleUnderTest } from './lab-bundle-under-test.js';

function fakeBundle(files: Record<string, string>): BundleUnderTest {
  return {
    result: {
      bundleDir: '/x',
      durationMs: 1,
      expected: { lab: 'l', variant: 'v', rootCause: null },
    },
    files: Object.keys(files),
    read: (name) => files[name] ?? '',
    capture: () => [],
    captures: () => [],
    cleanup: () => undefined,
  };
}

describe('health of a bundle', () => {
  it('flags failure words in logs and overflow counters in nstat', () => {
    const problems = healthProblems(
      fakeBundle({
        'client.log': 'conn 0 ok\nconn 1 read tcp a->b: read: connection reset by peer\n',
        'nstat.txt': 'TcpExtListenOverflows 3 0.0\n',
        'server.log': 'GET /bytes/1 200\n',
      }),
    );
    expect(problems).toEqual([
      'client.log: conn 1 read tcp a->b: read: connection reset by peer',
      'nstat.txt: TcpExtListenOverflows 3',
    ]);
  });

  it('finds nothing in a quiet bundle', () => {
    expect(
      healthProblems(
        fakeBundle({ 'client.log': 'closed\n', 'nstat.txt': 'TcpExtListenDrops 0\n' }),
      ),
    ).toEqual([]);
  });
});
