import type { ArtifactKind } from '@netmortem/domain';

/**
 * What a file's name suggests about its kind. Names are weak evidence (people save `ss` output
 * as capture.txt, collectors number their files), so the detector only uses them to choose
 * between weak content candidates, never against a clear content match.
 */

interface NameRule {
  readonly pattern: RegExp;
  readonly kinds: readonly ArtifactKind[];
}

// Checked against the lower-cased base name; more specific rules first.
const RULES: readonly NameRule[] = [
  { pattern: /\.pcapng$/, kinds: ['pcapng'] },
  { pattern: /\.(?:pcap|cap)$/, kinds: ['pcap'] },
  { pattern: /conntrack.*(?:event|-e\b)|ct-?events/, kinds: ['conntrack-events'] },
  { pattern: /conntrack.*(?:stat|-s\b)|stat.*nf_conntrack/, kinds: ['conntrack-stats'] },
  { pattern: /conntrack|nf_conntrack/, kinds: ['conntrack-table'] },
  { pattern: /ip6?tables/, kinds: ['iptables-save'] },
  { pattern: /\bnft\b|nftables|ruleset/, kinds: ['nft-ruleset'] },
  { pattern: /netstat/, kinds: ['netstat'] },
  { pattern: /(?:^|[^a-z])ss(?:[^a-z]|$)|sockets?/, kinds: ['ss', 'netstat'] },
  { pattern: /sysctl/, kinds: ['sysctl'] },
  { pattern: /uname|^version$|proc-version/, kinds: ['uname'] },
  { pattern: /dmesg|kern\.log|kernel|journal/, kinds: ['dmesg'] },
  { pattern: /strace/, kinds: ['strace'] },
  { pattern: /access/, kinds: ['envoy-access-log'] },
  { pattern: /envoy|istio-proxy|sidecar/, kinds: ['envoy-debug-log', 'envoy-access-log'] },
  { pattern: /manifest/, kinds: ['manifest'] },
];

const LOG_NAME = /\.(?:log|out|err)(?:\.\d+)?$|(?:^|[^a-z])logs?(?:[^a-z]|$)/;

export function kindsSuggestedByName(path: string): readonly ArtifactKind[] {
  const name = baseName(path);
  const kinds: ArtifactKind[] = [];
  for (const rule of RULES) {
    if (rule.pattern.test(name)) kinds.push(...rule.kinds);
  }
  return kinds;
}

/** Unrecognised text under a log-like name is most likely some program's log. */
export function looksLikeLogName(path: string): boolean {
  return LOG_NAME.test(baseName(path));
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}
