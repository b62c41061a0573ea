import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { run } from '../../shell/run-command.js';
import { ArtifactRecorder } from './artifact-recorder.js';
import { newLabPrefix } from './lab-prefix.js';
import { LabProgram } from './lab-program.js';
import { LabTopology } from './lab-topology.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

const outDir = mkdtempSync(path.join(tmpdir(), 'nmlab-kit-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('lab kit on the live kernel', () => {
  it.skipIf(!canRun)(
    'routes a real connection through a router, records a collector-shaped bundle and leaves no namespace behind',
    async () => {
      const prefix = newLabPrefix();
      const lab = LabTopology.create(prefix, {
        namespaces: ['client', 'router', 'server'],
        links: [
          {
            a: { ns: 'client', dev: 'eth0', addresses: ['10.78.201.2/24'] },
            b: { ns: 'router', dev: 'eth-c', addresses: ['10.78.201.1/24'] },
          },
          {
            a: { ns: 'router', dev: 'eth-s', addresses: ['10.78.202.1/24'] },
            b: { ns: 'server', dev: 'eth0', addresses: ['10.78.202.10/24'] },
          },
        ],
        routes: [
          { ns: 'client', to: 'default', via: '10.78.201.1' },
          { ns: 'server', to: 'default', via: '10.78.202.1' },
        ],
        forwarding: ['router'],
        sysctls: { router: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 30 } },
      });
      let flow: string;
      try {
        lab.iptablesRestore(
          'router',
          [
            '*nat',
            '-A PREROUTING -d 10.78.203.1/32 -p tcp --dport 80 -j DNAT --to-destination 10.78.202.10:8080',
            'COMMIT',
          ].join('\n'),
        );
        const recorder = new ArtifactRecorder(lab, outDir);
        await recorder.startCapture({ role: 'client', iface: 'eth0', snaplen: 256 });
        await recorder.startConntrackEvents({ role: 'router' });
        const server = LabProgram.start(lab, 'server', 'tcp-server', {
          listen: [{ host: '0.0.0.0', port: 8080 }],
          logFile: recorder.file('server.log'),
        });
        await server.waitFor('listening');
        const client = LabProgram.start(lab, 'client', 'tcp-client', {
          target: '10.78.203.1:80',
          logFile: recorder.file('client.log'),
          steps: [
            { write: 'ping\n' },
            { read: { bytes: 5, timeoutMs: 2000 } },
            { await: 'go' },
            { close: true },
          ],
        });
        const connected = await client.waitFor('connected');
        flow = String(connected.local);
        await client.waitFor('awaiting');
        recorder.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl']);
        client.send('go');
        await client.finished();
        recorder.snapshot('client', ['sockets', 'uname', 'nstat']);
        await server.stop();
        await recorder.finish('router');
      } finally {
        lab.close();
      }

      const files = readdirSync(outDir).sort();
      expect(files).toEqual(
        expect.arrayContaining([
          'capture.pcap',
          'client.log',
          'conntrack-events.txt',
          'conntrack-stats.txt',
          'conntrack-table.txt',
          'dmesg.txt',
          'iptables-save.txt',
          'manifest.json',
          'nstat.txt',
          'server.log',
          'ss-tanoie.txt',
          'sysctl-net.txt',
          'uname.txt',
        ]),
      );
      // 3 handshake + request + echo + ACK + FIN exchange: well past 24 bytes of pcap header.
      expect(statSync(path.join(outDir, 'capture.pcap')).size).toBeGreaterThan(24 + 8 * 60);
      const events = readFileSync(path.join(outDir, 'conntrack-events.txt'), 'utf8');
      expect(events).toMatch(/^\[\d+\.\d+\]\s+\[NEW\] tcp .*dst=10\.78\.203\.1 .*dport=80 /m);
      expect(events).toContain('src=10.78.202.10');
      const table = readFileSync(path.join(outDir, 'conntrack-table.txt'), 'utf8');
      expect(table).toMatch(/ESTABLISHED src=10\.78\.201\.2 dst=10\.78\.203\.1/);
      expect(table).toMatch(/flow entries have been shown/);
      expect(readFileSync(path.join(outDir, 'sysctl-net.txt'), 'utf8')).toContain(
        'net.netfilter.nf_conntrack_tcp_timeout_established = 30',
      );
      expect(readFileSync(path.join(outDir, 'client.log'), 'utf8')).toContain(
        `connected ${flow}->10.78.203.1:80`,
      );
      const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as {
        kind: string;
        commands: { argv: string[]; file: string; exitCode: number; tool: string }[];
      };
      expect(manifest.kind).toBe('netmortem-manifest');
      expect(manifest.commands.map((c) => c.file)).toEqual(
        expect.arrayContaining(['capture.pcap', 'conntrack-events.txt', 'ss-tanoie.txt']),
      );
      expect(manifest.commands.every((c) => c.exitCode === 0)).toBe(true);
      expect(run(['ip', 'netns', 'list'])).not.toContain(prefix);
    },
    30_000,
  );
});
