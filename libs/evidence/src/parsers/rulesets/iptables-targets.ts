import type { RuleTarget } from '@netmortem/domain';

const VERDICTS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'CONTINUE']);

/** Target extensions iptables ships; anything else named by -j is taken for a user chain. */
const EXTENSIONS = new Set([
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT',
  'DSCP', 'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP',
  'NFLOG', 'NFQUEUE', 'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT', 'SECMARK', 'SET', 'SNAT',
  'SNPT', 'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG',
]); // prettier-ignore

/** Settles verdict / jump / goto / extension once the table's chains are known. */
export function resolveTarget(
  target: {
    readonly name: string;
    readonly goto: boolean;
    readonly options: Record<string, string>;
  },
  chains: { has(name: string): boolean },
): RuleTarget {
  const kind: RuleTarget['kind'] = target.goto
    ? 'goto'
    : VERDICTS.has(target.name)
      ? 'verdict'
      : chains.has(target.name)
        ? 'jump'
        : EXTENSIONS.has(target.name) || Object.keys(target.options).length > 0
          ? 'extension'
          : 'jump';
  return { name: target.name, kind, options: target.options };
}
