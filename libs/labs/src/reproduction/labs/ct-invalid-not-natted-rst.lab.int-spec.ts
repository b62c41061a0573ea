import { describe, expect, it } from 'vitest';
import { conntrackStat, dotted, labsCanRun, runVariant } from '../../testing/lab-bundle-checks.js';

const canRun = labsCanRun();
const LAB = 'ct-invalid-not-natted-rst';

/** The segment after `from`'s last in-window data: its seq jumped ~1 GiB and a bare RST answered. */
function outOfWindowThenRst(lines: string[], client: string, server: string) {
  const fromClient = lines.filter((l) => l.includes(`${dotted(client)} > ${dotted(server)}`));
  const data = fromClient.filter((l) => /Flags \[P\.\]/.test(l));
  const seqs = data.map((l) => Number(/seq (\d+):/.exec(l)?.[1]));
  const rst = lines.find((l) => l.includes(`${dotted(server)} > ${dotted(client)}: Flags [R]`));
  return { seqs, rst };
}

describe('lab ct-invalid-not-natted-rst on the live kernel', () => {
  it.skipIf(!canRun)(
    'sidecar REDIRECT: the INVALID segment reaches the app port, which resets the client while the proxy socket stays open',
    async () => {
      const run = await runVariant(LAB, 'sidecar-redirect-full-artifacts');
      try {
        const { client, server, serverAlternatives } = run.expected.flow!;
        const { seqs, rst } = outOfWindowThenRst(run.capture(), client, server);
        expect(seqs).toHaveLength(2);
        expect(((seqs[1]! - seqs[0]!) >>> 0) / 2 ** 30).toBeGreaterThan(0.99);
        expect(rst).toMatch(/length 0$/);
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'invalid')).toBeGreaterThan(0);
        // The entry still says REDIRECT to the proxy: the INVALID segment never used it.
        const port = client.split(':')[1];
        expect(run.read('conntrack-table.txt')).toMatch(
          new RegExp(`ESTABLISHED .*sport=${port} dport=8080 .*sport=15006 dport=${port}`),
        );
        expect(run.read('ss-tanoie.txt')).toMatch(
          new RegExp(`ESTAB .*${serverAlternatives![0]!.replace('.', '\\.')}\\s+${client}`),
        );
        expect(run.read('client.log')).toContain('read: connection reset by peer');
      } finally {
        run.remove();
      }
    },
    30_000,
  );

  it.skipIf(!canRun)(
    'NodePort DNAT: the INVALID segment skips DNAT and the node itself answers RST',
    async () => {
      const run = await runVariant(LAB, 'nodeport-dnat-client-capture');
      try {
        const { client, server } = run.expected.flow!;
        const { seqs, rst } = outOfWindowThenRst(run.capture(), client, server);
        expect(((seqs.at(-1)! - seqs[0]!) >>> 0) / 2 ** 30).toBeGreaterThan(0.99);
        expect(rst).toBeDefined();
        expect(conntrackStat(run.read('conntrack-stats.txt'), 'invalid')).toBeGreaterThan(0);
        expect(run.read('iptables-save.txt')).toContain('DNAT --to-destination');
        expect(run.read('conntrack-events.txt')).toBe('');
        expect(run.read('client.log')).toContain('connection reset by peer');
      } finally {
        run.remove();
      }
    },
    30_000,
  );
});
