import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ArtifactKind } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { detectArtifactKind } from '../detection/artifact-kind.detector.js';
import type { LayoutEntry } from './layout-hint.js';
import { synthesiseSysctlSet } from './proc-sys-sysctl.js';
import { recogniseLayouts } from './recognise-layouts.js';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const CAPTURE = 'retina-capture-aks-nodepool1-12345678-vmss000000-20250101120000UTC';

/** The fixture as an unpacker would list it: paths relative to the bundle, detected kinds. */
function unpacked(folder: string): LayoutEntry[] {
  return readdirSync(`${fixtures}${folder}`, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = `${entry.parentPath.slice(fixtures.length)}/${entry.name}`;
      const head = readFileSync(`${fixtures}${path}`).subarray(0, 65536);
      return { path, kind: detectArtifactKind(head, path).kind };
    });
}

describe('recogniseLayouts on the Retina capture fixture', () => {
  const entries = unpacked(CAPTURE);
  const layouts = recogniseLayouts(entries);
  const hint = (path: string) => layouts.hints.get(`${CAPTURE}/${path}`);

  it('finds one Retina capture, with its name and start time', () => {
    expect(layouts.matches).toEqual([
      {
        layout: 'retina-capture',
        root: CAPTURE,
        details: {
          capture: 'retina-capture-aks-nodepool1-12345678-vmss000000',
          startedAt: '2025-01-01T12:00:00Z',
        },
      },
    ]);
  });

  it('gives every file of the capture a role', () => {
    expect([...layouts.hints.keys()].sort()).toEqual(entries.map((e) => e.path).sort());
  });

  it.each([
    ['ip-resources.txt', 'composite', 'unknown'],
    ['iptables-rules.txt', 'composite', 'unknown'],
    ['socket-stats.txt', 'composite', 'unknown'],
    [`${CAPTURE}.pcap`, 'evidence', 'pcap'],
    ['proc-net/nf_conntrack', 'evidence', 'conntrack-table'],
    ['proc-net/stat/nf_conntrack', 'evidence', 'conntrack-stats'],
    ['proc-net/snmp', 'evidence', 'net-counters'],
    ['proc-net/netstat', 'evidence', 'net-counters'],
    ['proc-net/tcp', 'context', 'unknown'],
    ['proc-net/dev', 'context', 'unknown'],
    ['proc-net/sockstat', 'context', 'unknown'],
    ['proc-sys-net/ipv4/tcp_keepalive_time', 'sysctl-value', 'unknown'],
  ] as const)('%s is %s, read as %s', (path, role, kind) => {
    expect(hint(path)).toMatchObject({ layout: 'retina-capture', role, kind });
  });

  it('says when it overrode detection, and why', () => {
    // The path settles /proc/net/snmp as counters, whether or not content detection agreed.
    expect(hint('proc-net/snmp')).toMatchObject({
      kind: 'net-counters',
      reason: 'copy of /proc/net/snmp',
    });
    expect(hint('proc-net/nf_conntrack')).toMatchObject({ overridden: false });
    // The whole iptables-rules.txt looks like iptables-save, but must be split first.
    const detected = entries.find((e) => e.path.endsWith('iptables-rules.txt'))!.kind;
    expect(detected).toBe('iptables-save');
    expect(hint('iptables-rules.txt')).toMatchObject({ overridden: true });
  });

  it('groups the /proc/sys/net copy into one SysctlSet', () => {
    expect(layouts.sysctlGroups).toHaveLength(1);
    const group = layouts.sysctlGroups[0]!;
    expect(group.artifact).toBe(`${CAPTURE}/proc-sys-net`);
    expect(group.files).toHaveLength(13);
    const { set } = synthesiseSysctlSet(
      group.artifact,
      group.files.map((file) => ({
        path: file.path,
        text: readFileSync(`${fixtures}${file.path}`, 'utf8'),
      })),
    );
    expect(set.values).toMatchObject({
      'net.ipv4.tcp_keepalive_time': '7200',
      'net.ipv4.conf.eth0/100.rp_filter': '2',
      'net.netfilter.nf_conntrack_tcp_be_liberal': '0',
    });
    expect(set.values['net.ipv4.ip_local_port_range']).toMatch(/^\d+\t\d+$/);
    expect(Object.keys(set.values)).toHaveLength(13);
  });
});

describe('recogniseLayouts on Retina paths', () => {
  const node = (root: string): LayoutEntry[] =>
    [
      `${root}retina-capture-node-a-20240301093000UTC.pcap`,
      `${root}tcpdump.log`,
      `${root}socket-stats.txt`,
      `${root}proc-net/snmp`,
      `${root}proc-sys-net/core/somaxconn`,
    ].map((path) => ({ path, kind: path.endsWith('.pcap') ? 'pcap' : 'unknown' }));

  it('reads a tarball unpacked as it is, with no top folder', () => {
    const layouts = recogniseLayouts(node(''));
    expect(layouts.matches).toMatchObject([{ layout: 'retina-capture', root: '' }]);
    expect(layouts.hints.get('tcpdump.log')).toMatchObject({ role: 'context' });
    expect(layouts.sysctlGroups).toEqual([
      {
        artifact: 'proc-sys-net',
        files: [{ path: 'proc-sys-net/core/somaxconn', key: 'net.core.somaxconn' }],
      },
    ]);
  });

  it('reads the captures of several nodes side by side', () => {
    const layouts = recogniseLayouts([...node('node-a/'), ...node('node-b/')]);
    expect(layouts.matches.map((m) => m.root)).toEqual(['node-a', 'node-b']);
    expect(layouts.sysctlGroups.map((g) => g.artifact)).toEqual([
      'node-a/proc-sys-net',
      'node-b/proc-sys-net',
    ]);
  });

  it('reads Windows-style paths', () => {
    const layouts = recogniseLayouts(
      node('case 42\\').map((e) => ({ ...e, path: e.path.replace(/\//g, '\\') })),
    );
    expect(layouts.matches).toMatchObject([{ root: 'case 42' }]);
    expect(layouts.hints.get('case 42\\proc-net\\snmp')).toMatchObject({ kind: 'net-counters' });
  });

  it('needs two signs of Retina: one familiar name is not enough', () => {
    for (const lone of [
      ['socket-stats.txt'],
      ['proc-net/snmp', 'proc-net/dev'],
      ['x/tcpdump.log'],
    ]) {
      const layouts = recogniseLayouts(lone.map((path) => ({ path })));
      expect(layouts.matches, lone.join()).toEqual([]);
      expect(layouts.hints.size).toBe(0);
    }
  });

  it('keeps a detected kind that contradicts the name', () => {
    const entries: LayoutEntry[] = [
      ...node(''),
      { path: 'proc-net/nf_conntrack', kind: 'app-log' },
    ];
    expect(recogniseLayouts(entries).hints.get('proc-net/nf_conntrack')).toMatchObject({
      kind: 'app-log',
      overridden: false,
      reason: 'copy of /proc/net/nf_conntrack; but its content reads as app-log, which is kept',
    });
  });
});

describe('recogniseLayouts on a netmortem collector bundle', () => {
  const bundle = (kinds: Readonly<Record<string, ArtifactKind>>): LayoutEntry[] =>
    Object.entries(kinds).map(([name, kind]) => ({
      path: `netmortem-node-1-20260101T000000Z/${name}`,
      kind,
    }));
  const collected = bundle({
    'manifest.json': 'manifest',
    'ss-tanoie.txt': 'ss',
    'nstat.txt': 'unknown',
    'conntrack-count.txt': 'unknown',
    'ip-route.txt': 'unknown',
    'capture-1.pcap': 'pcap',
    'capture-2.pcap': 'pcap',
    'notes.txt': 'app-log',
  });

  it('knows each file the collector writes', () => {
    const layouts = recogniseLayouts(collected);
    expect(layouts.matches).toEqual([
      { layout: 'netmortem-collector', root: 'netmortem-node-1-20260101T000000Z', details: {} },
    ]);
    const hint = (name: string) => layouts.hints.get(`netmortem-node-1-20260101T000000Z/${name}`);
    expect(hint('nstat.txt')).toMatchObject({
      role: 'evidence',
      kind: 'net-counters',
      overridden: true,
    });
    expect(hint('ss-tanoie.txt')).toMatchObject({
      role: 'evidence',
      kind: 'ss',
      overridden: false,
    });
    expect(hint('conntrack-count.txt')).toMatchObject({ role: 'context', kind: 'unknown' });
    expect(hint('ip-route.txt')).toMatchObject({ role: 'context' });
    expect(hint('capture-2.pcap')).toMatchObject({
      kind: 'pcap',
      reason: 'tcpdump capture, part 2 of a rotated capture',
    });
    // A file the collector does not write keeps its detected kind and gets no hint.
    expect(hint('notes.txt')).toBeUndefined();
  });

  it('needs the manifest to be a manifest by content', () => {
    const forged = collected.map((e) =>
      e.path.endsWith('manifest.json') ? { ...e, kind: 'unknown' as const } : e,
    );
    expect(recogniseLayouts(forged).matches).toEqual([]);
  });
});
