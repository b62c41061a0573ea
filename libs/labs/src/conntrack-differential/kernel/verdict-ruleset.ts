/** NFLOG group the router logs every verdict to. */
export const VERDICT_LOG_GROUP = 7;
/** Name of the lab's own nft table in the router. */
export const VERDICT_TABLE = 'nmdiff';

/** Prefix of a PREROUTING log line: `PRE <CTSTATE> [ORIGINAL|REPLY]`. */
export const PRE_PREFIX = 'PRE';
/** Prefix of the log after NAT (FORWARD or INPUT): the translated destination shows. */
export const POST_PREFIX = 'POST';

const STATES = ['new', 'established', 'related'] as const;

/**
 * The router's instrumentation, as one nft script (replaced atomically per batch):
 * - prerouting at mangle priority (after conntrack, before NAT): stamp the entry's mark with
 *   the packet's id (IPv4 identification or IPv6 flow label, through a map, since nft cannot
 *   move a 16-bit field into the 32-bit mark directly), so the entry's next conntrack event
 *   names the packet that caused it; then log the packet with its ctstate and ctdir. The
 *   states and directions exclude each other, so every packet is logged exactly once.
 * - postrouting and input after source NAT: log again, showing DNAT/REDIRECT and any
 *   source port the kernel rewrote to keep the reply tuple unique.
 * - output before conntrack: drop the router's own TCP (RSTs of its stack for redirected
 *   segments), so nothing but the injected segments reaches the table.
 */
export function verdictRuleset(packetIds: {
  readonly v4: readonly number[];
  readonly v6: readonly number[];
}): string {
  const map = (ids: readonly number[]) => `{ ${ids.map((id) => `${id} : ${id}`).join(', ')} }`;
  // queue-threshold 1: one netlink message per packet (batched messages were lost on the way to tcpdump).
  const log = (prefix: string) =>
    `log prefix "${prefix}" group ${VERDICT_LOG_GROUP} snaplen 128 queue-threshold 1`;
  const lines = [
    `table inet ${VERDICT_TABLE} {`,
    '  chain lab_pre {',
    '    type filter hook prerouting priority mangle; policy accept;',
    ...(packetIds.v4.length > 0
      ? [`    meta l4proto tcp ct mark set ip id map ${map(packetIds.v4)}`]
      : []),
    ...(packetIds.v6.length > 0
      ? [`    meta l4proto tcp ct mark set ip6 flowlabel map ${map(packetIds.v6)}`]
      : []),
    `    meta l4proto tcp ct state invalid ${log(`${PRE_PREFIX} INVALID`)}`,
    `    meta l4proto tcp ct state untracked ${log(`${PRE_PREFIX} UNTRACKED`)}`,
    ...STATES.flatMap((state) =>
      (['original', 'reply'] as const).map(
        (dir) =>
          `    meta l4proto tcp ct state ${state} ct direction ${dir} ${log(`${PRE_PREFIX} ${state.toUpperCase()} ${dir.toUpperCase()}`)}`,
      ),
    ),
    '  }',
    '  chain lab_postrouting {',
    '    type filter hook postrouting priority 200; policy accept;',
    `    meta l4proto tcp ${log(`${POST_PREFIX} FORWARD`)}`,
    '  }',
    '  chain lab_input {',
    '    type filter hook input priority 200; policy accept;',
    `    meta l4proto tcp ${log(`${POST_PREFIX} INPUT`)}`,
    '  }',
    '  chain lab_output {',
    '    type filter hook output priority raw; policy accept;',
    '    meta l4proto tcp drop',
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** Parses a PRE prefix back into ctinfo and direction. */
export function parsePrePrefix(
  prefix: string,
): { ctinfo: string; direction?: 'original' | 'reply' } | undefined {
  const parts = prefix.trim().split(/\s+/);
  if (parts[0] !== PRE_PREFIX || parts[1] === undefined) return undefined;
  const dir = parts[2]?.toLowerCase();
  return { ctinfo: parts[1], ...(dir === 'original' || dir === 'reply' ? { direction: dir } : {}) };
}
