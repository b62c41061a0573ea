/**
 * `iptables -vnxL` (and ip6tables) listings: per chain, the policy's counters and each rule's
 * packets and bytes, exact with -x. The listing drops match details that iptables-save keeps,
 * so it is not a ruleset; it is the counters of one. Rules are listed in the order
 * iptables-save prints them, which lets attachListingCounters put the counts on the rules.
 *
 *   Chain INPUT (policy ACCEPT 12 packets, 3456 bytes)
 *       pkts      bytes target     prot opt in     out     source               destination
 *          0        0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate INVALID
 *
 *   Chain KUBE-SERVICES (2 references)
 */
export interface ListedRule {
  readonly packets: number;
  readonly bytes: number;
  /** Empty for a rule without a target (a counting rule). */
  readonly target: string;
  readonly protocol: string;
  readonly source: string;
  readonly destination: string;
  /** Match details as printed (`ctstate INVALID`, `/* comment *\/ tcp dpt:80`). */
  readonly extra: string;
  /** 1-based line in the listing. */
  readonly line: number;
}

export interface ListedChain {
  readonly name: string;
  readonly policy?: string;
  readonly counters?: { readonly packets: number; readonly bytes: number };
  readonly references?: number;
  readonly rules: readonly ListedRule[];
  readonly line: number;
}

export interface IptablesListing {
  readonly table: string;
  readonly chains: readonly ListedChain[];
  /** Lines that fit neither a chain, a header nor a rule. */
  readonly unreadLines: readonly number[];
}

const CHAIN = /^Chain (\S+) \((?:policy (\S+) (\d+) packets, (\d+) bytes|(\d+) references)\)$/;
const HEADER = /^\s*pkts\s+bytes\s+target\s+prot\s+opt\s+in\s+out\s+source\s+destination\s*$/;
const COUNTS = /^\s*(\d+)\s+(\d+)\s+(.*)$/;
const OPT = /^(?:--|-f|!f)$/;
const PROTOCOL = /^(?:\d{1,3}|all|tcp|udp|udplite|icmp|ipv6-icmp|icmpv6|esp|ah|sctp|gre|mh)$/;

export function parseIptablesListing(text: string, table = 'filter'): IptablesListing {
  const chains: {
    name: string;
    policy?: string;
    counters?: { packets: number; bytes: number };
    references?: number;
    rules: ListedRule[];
    line: number;
  }[] = [];
  const unreadLines: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const number = index + 1;
    if (line.trim() === '' || HEADER.test(line)) return;
    const chain = CHAIN.exec(line);
    if (chain) {
      const [, name, policy, packets, bytes, references] = chain;
      chains.push({
        name: name!,
        ...(policy ? { policy, counters: { packets: Number(packets), bytes: Number(bytes) } } : {}),
        ...(references ? { references: Number(references) } : {}),
        rules: [],
        line: number,
      });
      return;
    }
    const current = chains[chains.length - 1];
    const rule = current ? listedRule(line, number) : undefined;
    if (rule) current!.rules.push(rule);
    else unreadLines.push(number);
  });
  return { table, chains, unreadLines };
}

function listedRule(line: string, number: number): ListedRule | undefined {
  const counts = COUNTS.exec(line);
  if (!counts) return undefined;
  const words = counts[3]!.trim().split(/\s+/);
  // The target and opt columns may be blank: find where the fixed columns start.
  let target = '';
  let rest: string[];
  if (OPT.test(words[2] ?? '')) {
    target = words[0]!;
    rest = [words[1]!, ...words.slice(3)];
  } else if (OPT.test(words[1] ?? '')) {
    rest = [words[0]!, ...words.slice(2)];
  } else if (PROTOCOL.test(words[1] ?? '')) {
    target = words[0]!;
    rest = words.slice(1);
  } else {
    rest = words;
  }
  const [protocol, , , source, destination, ...extra] = rest;
  if (protocol === undefined || destination === undefined) return undefined;
  return {
    packets: Number(counts[1]),
    bytes: Number(counts[2]),
    target,
    protocol,
    source: source!,
    destination,
    extra: extra.join(' '),
    line: number,
  };
}
