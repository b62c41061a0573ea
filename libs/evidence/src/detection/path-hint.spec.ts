import { describe, expect, it } from 'vitest';
import { kindsSuggestedByName, looksLikeLogName } from './path-hint.js';

describe('kindsSuggestedByName', () => {
  it.each([
    ['bundle/node-1/ss-tanoie.txt', 'ss'],
    ['netstat.txt', 'netstat'],
    ['conntrack-events.log', 'conntrack-events'],
    ['conntrack-S.txt', 'conntrack-stats'],
    ['nf_conntrack', 'conntrack-table'],
    ['ip6tables-save.txt', 'iptables-save'],
    ['nftables.conf', 'nft-ruleset'],
    ['C:\\bundle\\sysctl-a.txt', 'sysctl'],
    ['uname.txt', 'uname'],
    ['kern.log', 'dmesg'],
    ['istio-proxy.log', 'envoy-debug-log'],
    ['access.log.1', 'envoy-access-log'],
    ['strace-curl.txt', 'strace'],
    ['manifest.json', 'manifest'],
    ['capture.pcapng', 'pcapng'],
    ['capture.pcap', 'pcap'],
  ])('%s suggests %s', (path, kind) => {
    expect(kindsSuggestedByName(path)).toContain(kind);
  });

  it('looks at the file name, not the folders above it', () => {
    expect(kindsSuggestedByName('sysctl/notes.txt')).toEqual([]);
  });

  it('does not read "ss" into words that merely contain it', () => {
    expect(kindsSuggestedByName('process-list.txt')).not.toContain('ss');
  });
});

describe('looksLikeLogName', () => {
  it.each(['app.log', 'app.log.3', 'stderr.err', 'logs.txt', 'client-log.txt'])(
    '%s is a log name',
    (name) => {
      expect(looksLikeLogName(name)).toBe(true);
    },
  );

  it.each(['notes.md', 'catalog.txt', 'blog.html'])('%s is not', (name) => {
    expect(looksLikeLogName(name)).toBe(false);
  });
});
