import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  collectorTimestamp,
  formatManifest,
  iptablesBackend,
  toolFamily,
} from './collector-manifest.js';

describe('collector manifest', () => {
  const manifest = buildManifest({
    collectedAt: new Date('2026-01-14T10:25:00.900Z'),
    finishedAt: new Date('2026-01-14T10:25:04.100Z'),
    scope: { node: 'vm', netns: 'netns:nmlab-p1-ab-pod', netnsId: 'net:[4026532598]' },
    options: {
      durationSeconds: 4,
      interface: 'eth0',
      filter: '',
      snaplen: 0,
      maxCaptureMiB: 100,
      capture: true,
      events: false,
    },
    iptablesBackend: 'nft',
    commands: [
      {
        argv: ['ss', '-tanoie'],
        file: 'ss-tanoie.txt',
        exitCode: 0,
        tool: 'iproute2',
        version: 'ss utility, iproute2-6.1.0',
      },
      {
        argv: ['conntrack', '-S'],
        file: 'conntrack-stats.txt',
        exitCode: 1,
        tool: 'conntrack-tools',
        version: 'conntrack v1.4.7',
        stderr: 'Operation not permitted',
      },
    ],
  });

  it('is marked the way the evidence detector recognises a netmortem manifest', () => {
    expect(manifest.kind).toBe('netmortem-manifest');
    expect(manifest.netmortem.schema).toBe(1);
    expect(manifest.collectedAt).toBe('2026-01-14T10:25:00Z');
  });

  it('prints valid JSON with one command per line, like collect.sh', () => {
    const text = formatManifest(manifest);
    expect(JSON.parse(text)).toEqual(manifest);
    const commandLines = text.split('\n').filter((line) => line.startsWith('    {"argv"'));
    expect(commandLines).toHaveLength(2);
    expect(text.endsWith('  ]\n}\n')).toBe(true);
  });

  it('names tool families and the iptables backend as the collector does', () => {
    expect(toolFamily('nstat')).toBe('iproute2');
    expect(toolFamily('iptables-save')).toBe('iptables');
    expect(toolFamily('conntrack')).toBe('conntrack-tools');
    expect(toolFamily('dmesg')).toBe('util-linux');
    expect(iptablesBackend('iptables v1.8.9 (nf_tables)')).toBe('nft');
    expect(iptablesBackend('iptables v1.8.7 (legacy)')).toBe('legacy');
    expect(collectorTimestamp(new Date('2026-03-01T00:00:59.999Z'))).toBe('2026-03-01T00:00:59Z');
  });
});
