import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { conntrackStat, dotted, labsCanRun, runVariant } from '../../testing/lab-bundle-checks.js';

const canRun = labsCanRun();
const LAB = 'conntrack-table-full';

const hostMax = (): string =>
  canRun
    ? execFileSync('sysctl', ['-n', 'net.netfilter.nf_conntrack_max'], { encoding: 'utf8' })
    : '';

describe('lab conntrack-table-full on the live kernel', () => {
  it.skipIf(!canRun)(
    'a full table drops the new client SYNs ("table full" in the kernel log) and the host limit comes back',
    async () => {
      const before = hostMax();
      const run = await runVariant(LAB, 'node-dnat-client-capture');
      try {
        expect(hostMax()).toBe(before);
        const { client } = run.expected.flow!;
        const syns = run.capture(`tcp[tcpflags] & tcp-syn != 0`);
        const fromClient = syns.filter((l) => l.includes(`${dotted(client)} > `));
        expect(fromClient.length).toBeGreaterThanOrEqual(2);
        expect(new Set(fromClient.map((l) => /seq (\d+)/.exec(l)?.[1])).size).toBe(1);
        expect(syns.some((l) => l.includes(`> ${dotted(client)}: Flags [S.]`))).toBe(false);
        expect(run.read('dmesg.txt')).toMatch(/nf_conntrack: .*table full.*dropping packet/);
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'drop')).toBeGreaterThan(0);
        const limits = run.read('conntrack-limits.txt');
        const count = /nf_conntrack_count = (\d+)/.exec(limits)?.[1];
        expect(limits).toContain(`nf_conntrack_max = ${count}`);
        expect(run.read('client.log')).toContain('connect: connection timed out');
      } finally {
        run.remove();
      }
    },
    30_000,
  );

  it.skipIf(!canRun)(
    'a host firewall with a full table starves a new client until its connect timeout',
    async () => {
      const before = hostMax();
      const run = await runVariant(LAB, 'server-firewall-no-capture');
      try {
        expect(hostMax()).toBe(before);
        expect(run.read('capture.pcap')).toBe('');
        expect(run.read('dmesg.txt')).toMatch(/table full/);
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'drop')).toBeGreaterThan(0);
        const established = run
          .read('ss-tanoie.txt')
          .split('\n')
          .filter((l) => l.startsWith('ESTAB'));
        expect(established.length).toBeGreaterThanOrEqual(300);
        expect(run.read('client.log')).toContain('i/o timeout');
      } finally {
        run.remove();
      }
    },
    30_000,
  );
});
