import { baseName, parentOf } from './bundle-path.js';
import type { LayoutEntry, LayoutHint, LayoutMatch } from './layout-hint.js';
import { hintFor, type LayoutExpectation } from './layout-kind.js';

/**
 * The netmortem collector's bundle (libs/collector/scripts/collect.sh): one folder holding
 * manifest.json and one file per command, named after it. The names are a contract with
 * that script; its integration test checks every file it writes against this table.
 */

const evidence = (kind: LayoutExpectation['kind'], reason: string): LayoutExpectation => ({
  role: 'evidence',
  ...(kind ? { kind } : {}),
  reason,
});
const context = (reason: string): LayoutExpectation => ({ role: 'context', reason });

const FILES: Readonly<Record<string, LayoutExpectation>> = {
  'manifest.json': evidence('manifest', 'collector manifest'),
  'uname.txt': evidence('uname', 'uname -a'),
  'ss-tanoie.txt': evidence('ss', 'ss -tanoie'),
  'ss-tapionume.txt': evidence('ss', 'ss -tapionume'),
  'netstat-tan.txt': evidence('netstat', 'netstat -tan (no ss on the host)'),
  'conntrack-table.txt': evidence('conntrack-table', 'conntrack -L'),
  'proc-net-nf_conntrack.txt': evidence(
    'conntrack-table',
    '/proc/net/nf_conntrack (no conntrack tool)',
  ),
  'conntrack-stats.txt': evidence('conntrack-stats', 'conntrack -S'),
  'proc-net-stat-nf_conntrack.txt': evidence(
    'conntrack-stats',
    '/proc/net/stat/nf_conntrack (no conntrack tool)',
  ),
  'conntrack-events.txt': evidence('conntrack-events', 'conntrack -E -o timestamp'),
  'conntrack-count.txt': context(
    'conntrack -C: the entry count alone (conntrack-limits.txt has it with the limit)',
  ),
  'conntrack-limits.txt': evidence('sysctl', 'nf_conntrack_count, _max and _buckets'),
  'iptables-save.txt': evidence('iptables-save', 'iptables-save -c'),
  'ip6tables-save.txt': evidence('iptables-save', 'ip6tables-save -c'),
  'iptables-legacy-save.txt': evidence(
    'iptables-save',
    'iptables-legacy-save -c (rules in the other backend)',
  ),
  'iptables-nft-save.txt': evidence(
    'iptables-save',
    'iptables-nft-save -c (rules in the other backend)',
  ),
  'nft-ruleset.txt': evidence('nft-ruleset', 'nft list ruleset'),
  'sysctl-net.txt': evidence('sysctl', 'sysctl net'),
  'dmesg.txt': evidence('dmesg', 'dmesg -T, last 2000 lines'),
  'nstat.txt': evidence('net-counters', 'nstat -saz'),
  'netstat-s.txt': evidence('net-counters', 'netstat -s (no nstat on the host)'),
  'proc-net-snmp.txt': evidence('net-counters', '/proc/net/snmp and /proc/net/netstat'),
  'ip-addr.txt': context('ip -d addr'),
  'ip-route.txt': context('ip route show table all'),
  'ip6-route.txt': context('ip -6 route show table all'),
  'ip-rule.txt': context('ip rule'),
  'ip6-rule.txt': context('ip -6 rule'),
  'ip-neigh.txt': context('ip neigh'),
};
// One capture, or a ring of them renamed in time order when the size cap rotated it.
const CAPTURE = /^capture(?:-(\d+))?\.pcap$/;

export interface NetmortemRecognition {
  readonly matches: LayoutMatch[];
  readonly hints: LayoutHint[];
}

export function recogniseNetmortem(entries: readonly LayoutEntry[]): NetmortemRecognition {
  const byFolder = new Map<string, LayoutEntry[]>();
  for (const entry of entries) {
    const folder = parentOf(entry.path);
    const list = byFolder.get(folder) ?? [];
    list.push(entry);
    byFolder.set(folder, list);
  }
  const recognition: NetmortemRecognition = { matches: [], hints: [] };
  for (const [folder, files] of byFolder) {
    const manifest = files.find((entry) => baseName(entry.path) === 'manifest.json');
    // The manifest's content, not only its name, says this folder is a collector bundle.
    if (!manifest || (manifest.kind !== undefined && manifest.kind !== 'manifest')) continue;
    const known = files.filter((entry) => expectation(baseName(entry.path)) !== undefined);
    if (known.length < 2) continue;
    recognition.matches.push({ layout: 'netmortem-collector', root: folder, details: {} });
    for (const entry of known) {
      recognition.hints.push(
        hintFor(entry.path, 'netmortem-collector', expectation(baseName(entry.path))!, entry.kind),
      );
    }
  }
  return recognition;
}

function expectation(name: string): LayoutExpectation | undefined {
  const capture = CAPTURE.exec(name);
  if (capture) {
    const part = capture[1] ? `, part ${capture[1]} of a rotated capture` : '';
    return evidence('pcap', `tcpdump capture${part}`);
  }
  return FILES[name];
}
