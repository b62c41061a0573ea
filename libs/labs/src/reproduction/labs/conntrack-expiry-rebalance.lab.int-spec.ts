import { describe, expect, it } from 'vitest';
import { dotted, labsCanRun, runVariant } from '../../testing/lab-bundle-checks.js';

const canRun = labsCanRun();
const LAB = 'conntrack-expiry-rebalance';

/** Reply-tuple sources of the NEW events for one client port, in order. */
function backendsPicked(events: string, clientPort: string): string[] {
  return events
    .split('\n')
    .filter((l) => l.includes('[NEW] tcp') && l.includes(`sport=${clientPort} `))
    .map(
      (l) =>
        /\] .*src=\S+ dst=\S+ sport=\d+ dport=\d+ (?:\[UNREPLIED\] )?src=(\S+)/.exec(l)?.[1] ?? '',
    );
}

describe('lab conntrack-expiry-rebalance on the live kernel', () => {
  it.skipIf(!canRun)(
    'timeout: the expired entry is destroyed, the next segment is tracked anew toward the other backend, which resets',
    async () => {
      const run = await runVariant(LAB, 'clusterip-random-timeout-full-artifacts');
      try {
        const { client, server, serverAlternatives } = run.expected.flow!;
        const port = client.split(':')[1]!;
        const events = run.read('conntrack-events.txt');
        const picked = backendsPicked(events, port);
        expect(picked).toHaveLength(2);
        expect(picked[0]).not.toBe(picked[1]);
        expect(`${picked[1]}:8080`).toBe(serverAlternatives![0]);
        expect(events).toMatch(new RegExp(`\\[DESTROY\\] tcp .*ESTABLISHED .*sport=${port} `));
        // The first entry lived for the shrunk established timeout, not 5 days.
        expect(events).toMatch(new RegExp(`\\[UPDATE\\] tcp\\s+6 3 ESTABLISHED .*sport=${port} `));
        const resets = run.capture(`tcp[tcpflags] & tcp-rst != 0`);
        expect(resets.some((l) => l.includes(`${dotted(server)} > ${dotted(client)}`))).toBe(true);
        expect(run.read('client.log')).toContain(
          `read tcp ${client}->${server}: read: connection reset by peer`,
        );
      } finally {
        run.remove();
      }
    },
    40_000,
  );

  it.skipIf(!canRun)(
    'flush: conntrack -F destroys the entry and the next segment is DNATed to the other backend',
    async () => {
      const run = await runVariant(LAB, 'node-local-nth-flush-plain-events');
      try {
        const { client, serverAlternatives } = run.expected.flow!;
        const port = client.split(':')[1]!;
        const events = run.read('conntrack-events.txt');
        expect(events).not.toMatch(/^\[\d/m);
        expect(events).toMatch(/\[DESTROY\] tcp .*\[USERSPACE\]/);
        const picked = backendsPicked(events, port);
        expect(picked).toEqual([
          serverAlternatives![1]!.split(':')[0],
          serverAlternatives![0]!.split(':')[0],
        ]);
        const other = dotted(serverAlternatives![0]!);
        expect(
          run.capture().some((l) => l.includes(`${other} > `) && l.includes('Flags [R]')),
        ).toBe(true);
      } finally {
        run.remove();
      }
    },
    30_000,
  );
});
