import { describe, expect, it } from 'vitest';
import { conntrackStat, dotted, labsCanRun, runVariant } from '../../testing/lab-bundle-checks.js';

const canRun = labsCanRun();
const LAB = 'snat-port-collision';

describe('lab snat-port-collision on the live kernel', () => {
  it.skipIf(!canRun)(
    'TCP: the client without a free translated port has its SYNs dropped at insertion',
    async () => {
      const run = await runVariant(LAB, 'tcp-two-port-range-inside-capture');
      try {
        const { client } = run.expected.flow!;
        const syns = run.capture('tcp[tcpflags] & tcp-syn != 0');
        expect(
          syns.filter((l) => l.includes(`${dotted(client)} > `)).length,
        ).toBeGreaterThanOrEqual(2);
        expect(syns.some((l) => l.includes(`> ${dotted(client)}: Flags [S.]`))).toBe(false);
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'insert_failed')).toBeGreaterThan(0);
        // Only the two ports of the range were ever handed out.
        const ports = [...run.read('conntrack-table.txt').matchAll(/sport=443 dport=(\d+)/g)].map(
          (m) => m[1],
        );
        expect(new Set(ports)).toEqual(new Set(['40000', '40001']));
        expect(
          run.read(
            `${['web1', 'web2', 'web3'][Number(client.split('.')[3]!.split(':')[0]) - 10]}.log`,
          ),
        ).toContain('i/o timeout');
      } finally {
        run.remove();
      }
    },
    30_000,
  );

  it.skipIf(!canRun)(
    'UDP: the second resolver is answered only after the first entry on the single port expires',
    async () => {
      const run = await runVariant(LAB, 'udp-dns-single-port-events');
      try {
        const { client } = run.expected.flow!;
        const queries = run.capture().filter((l) => l.includes(`${dotted(client)} > `));
        expect(queries.length).toBeGreaterThanOrEqual(4);
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'insert_failed')).toBeGreaterThan(0);
        const events = run.read('conntrack-events.txt').split('\n');
        const port = client.split(':')[1];
        const loserNew = events.findIndex(
          (l) => l.includes('[NEW] udp') && l.includes(`sport=${port} `),
        );
        const winnerDestroy = events.findIndex(
          (l) => l.includes('[DESTROY] udp') && l.includes('dport=53000'),
        );
        expect(winnerDestroy).toBeGreaterThan(0);
        expect(loserNew).toBeGreaterThan(winnerDestroy);
      } finally {
        run.remove();
      }
    },
    30_000,
  );
});
