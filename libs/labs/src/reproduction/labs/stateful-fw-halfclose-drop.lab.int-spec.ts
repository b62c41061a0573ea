import { describe, expect, it } from 'vitest';
import { dotted, labsCanRun, runVariant } from '../../testing/lab-bundle-checks.js';

const canRun = labsCanRun();
const LAB = 'stateful-fw-halfclose-drop';

/** Packet counter of the first iptables-save -c rule whose text contains `target`. */
function ruleHits(save: string, target: string): number {
  const rule = save.split('\n').find((l) => l.startsWith('[') && l.includes(target));
  return Number(/^\[(\d+):/.exec(rule ?? '')?.[1] ?? 0);
}

describe('lab stateful-fw-halfclose-drop on the live kernel', () => {
  it.skipIf(!canRun)(
    'REJECT: after CLOSE_WAIT expires every client segment draws ICMP port unreachable from the node',
    async () => {
      const run = await runVariant(LAB, 'server-fin-reject-client-capture');
      try {
        const { client, server } = run.expected.flow!;
        const port = client.split(':')[1]!;
        const lines = run.capture();
        const serverFin = lines.findIndex((l) =>
          l.includes(`${dotted(server)} > ${dotted(client)}: Flags [F`),
        );
        expect(serverFin).toBeGreaterThan(0);
        const unreachable = lines.filter((l) =>
          l.includes(`ICMP ${server.split(':')[0]} tcp port ${server.split(':')[1]} unreachable`),
        );
        expect(unreachable.length).toBeGreaterThanOrEqual(3);
        const events = run.read('conntrack-events.txt');
        expect(events).toMatch(new RegExp(`\\[UPDATE\\] tcp\\s+6 2 CLOSE_WAIT .*sport=${port} `));
        expect(events).toMatch(new RegExp(`\\[DESTROY\\] tcp .*CLOSE_WAIT .*sport=${port} `));
        expect(ruleHits(run.read('node-iptables-save.txt'), '-j REJECT')).toBeGreaterThanOrEqual(3);
        expect(run.read('nstat.txt')).toMatch(/IcmpInDestUnreachs\s+[1-9]/);
        expect(run.read('client.log')).toContain('write: connection refused');
      } finally {
        run.remove();
      }
    },
    30_000,
  );

  it.skipIf(!canRun)(
    'DROP: the server answer after the client FIN and the entry timeout is retransmitted into the firewall',
    async () => {
      const run = await runVariant(LAB, 'client-fin-drop-node-view');
      try {
        const { client, server } = run.expected.flow!;
        const answers = run
          .capture()
          .filter(
            (l) => l.includes(`${dotted(server)} > ${dotted(client)}`) && /length [1-9]/.test(l),
          );
        const seqs = new Set(answers.map((l) => /seq (\d+):/.exec(l)?.[1]));
        expect(answers.length).toBeGreaterThanOrEqual(2);
        expect(seqs.size).toBe(1);
        expect(ruleHits(run.read('iptables-save.txt'), '-j DROP')).toBeGreaterThanOrEqual(2);
        expect(run.read('server-ss-tanoie.txt')).toMatch(/(LAST-ACK|FIN-WAIT-1) .*timer:\(on/);
        expect(run.read('client.log')).toContain('i/o timeout');
      } finally {
        run.remove();
      }
    },
    30_000,
  );
});
