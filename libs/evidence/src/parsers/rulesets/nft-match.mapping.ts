import type { RuleMatch } from '@netmortem/domain';

/** One nft relational expression: `<selector> [& mask] [op] <value>`. */
export interface NftCondition {
  readonly selector: readonly string[];
  readonly op: string;
  readonly value: string;
  readonly valueIsSet: boolean;
  readonly mask?: string;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
const CT_TUPLE: Readonly<Record<string, string>> = {
  'original saddr': 'ctorigsrc', 'original daddr': 'ctorigdst', 'reply saddr': 'ctreplsrc', 'reply daddr': 'ctrepldst',
  'original proto-src': 'ctorigsrcport', 'original proto-dst': 'ctorigdstport',
  'reply proto-src': 'ctreplsrcport', 'reply proto-dst': 'ctrepldstport',
  'original ip saddr': 'ctorigsrc', 'original ip daddr': 'ctorigdst', 'reply ip saddr': 'ctreplsrc', 'reply ip daddr': 'ctrepldst',
}; // prettier-ignore
const TTL_OPS: Readonly<Record<string, string>> = {
  '==': 'eq',
  eq: 'eq',
  '<': 'lt',
  lt: 'lt',
  '>': 'gt',
  gt: 'gt',
};

/** `{ 80, 443 }` contents or `a,b` → items. */
export function items(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** nft writes port ranges `a-b`, iptables `a:b`; the model uses iptables' spelling. */
function portText(value: string): string {
  return value.replace(/^(\d+)-(\d+)$/, '$1:$2');
}

/** 0x00004000 → 0x4000, as iptables prints marks. */
export function hex(value: string): string {
  return /^0x[0-9a-f]+$/i.test(value) ? `0x${Number.parseInt(value, 16).toString(16)}` : value;
}

function interfaceName(value: string): string {
  return value.replace(/\*$/, '+');
}

/**
 * Translates a condition into the iptables-shaped model (`ct state invalid` →
 * conntrack/ctstate INVALID, `tcp dport { 80, 443 }` → multiport dports 80,443, …), so rules
 * read alike whichever tool printed them. Unknown selectors keep nft's own words.
 */
export function conditionToMatch(c: NftCondition): RuleMatch {
  const negated = c.op === '!=' || c.op === 'ne';
  const m = (module: string, options: Record<string, string>): RuleMatch => ({
    module,
    negated,
    options,
  });
  const [head, second, third] = c.selector;
  const key = c.selector.slice(1).join(' ');
  const list = c.valueIsSet ? items(c.value).join(',') : c.value;

  if (head === 'ct') {
    if (second === 'state') return m('conntrack', { ctstate: list.toUpperCase() });
    if (second === 'status') return m('conntrack', { ctstatus: list.toUpperCase() });
    if (second === 'direction') return m('conntrack', { ctdir: list.toUpperCase() });
    if (second === 'expiration') return m('conntrack', { ctexpire: list });
    if (second === 'mark')
      return m('connmark', { mark: c.mask ? `${hex(c.value)}/${hex(c.mask)}` : hex(c.value) });
    const tuple = CT_TUPLE[key];
    if (tuple) return m('conntrack', { [tuple]: list });
  }
  if ((head === 'ip' || head === 'ip6') && (second === 'saddr' || second === 'daddr')) {
    const which = second === 'saddr' ? 'src' : 'dst';
    if (c.value.startsWith('@')) return m('set', { 'match-set': `${c.value.slice(1)} ${which}` });
    if (!c.valueIsSet && /^[0-9a-f.:]+-[0-9a-f.:]+$/i.test(c.value))
      return m('iprange', { [`${which}-range`]: c.value });
    return m('ip', { [second === 'saddr' ? 'source' : 'destination']: list });
  }
  if (
    (head === 'ip' && second === 'protocol') ||
    (head === 'ip6' && second === 'nexthdr') ||
    (head === 'meta' && second === 'l4proto') ||
    (head === 'l4proto' && !second)
  ) {
    return m('ip', { protocol: list });
  }
  if (head === 'ip' && second === 'frag-off' && c.mask) {
    // `-f` is `ip frag-off & 0x1fff != 0`; `! -f` compares with == 0.
    const fragment = (c.op === '!=' || c.op === 'ne') === (Number(c.value) === 0);
    return { module: 'ip', negated: !fragment, options: { fragment: '' } };
  }
  const metaKey = head === 'meta' ? second : c.selector.length === 1 ? head : undefined;
  if (metaKey === 'iifname' || metaKey === 'iif')
    return m('ip', { 'in-interface': interfaceName(list) });
  if (metaKey === 'oifname' || metaKey === 'oif')
    return m('ip', { 'out-interface': interfaceName(list) });
  if (metaKey === 'mark')
    return m('mark', { mark: c.mask ? `${hex(c.value)}/${hex(c.mask)}` : hex(c.value) });
  if (metaKey === 'pkttype') return m('pkttype', { 'pkt-type': list });
  if (metaKey === 'length') return m('length', { length: portText(list) });
  if (metaKey === 'skuid') return m('owner', { 'uid-owner': list });
  if (metaKey === 'skgid') return m('owner', { 'gid-owner': list });
  if (head === 'meta' && second === 'random' && c.mask && (c.op === '<' || c.op === 'lt')) {
    // iptables-nft's statistic --mode random: `meta random & 2147483647 < N`.
    const probability = Number(c.value) / 2 ** 31;
    return m('statistic', { mode: 'random', probability: String(probability) });
  }
  if (head && PORT_PROTOCOLS.has(head) && (second === 'dport' || second === 'sport')) {
    if (c.valueIsSet)
      return m('multiport', { [`${second}s`]: items(c.value).map(portText).join(',') });
    return m(head, { [second]: portText(c.value) });
  }
  if (head === 'tcp' && second === 'flags') {
    const comp = c.value.toUpperCase();
    return m('tcp', {
      'tcp-flags': `${(c.mask ?? (c.op === '==' ? 'ALL' : c.value)).toUpperCase()} ${comp}`,
    });
  }
  if (head === 'tcp' && second === 'option' && third === 'maxseg')
    return m('tcpmss', { mss: portText(c.value) });
  if (head === 'icmp' && second === 'type') return m('icmp', { 'icmp-type': list });
  if (head === 'icmpv6' && second === 'type') return m('icmp6', { 'icmpv6-type': list });
  if (head === 'ether' && second === 'saddr') return m('mac', { 'mac-source': c.value });
  if ((head === 'ip' && second === 'ttl') || (head === 'ip6' && second === 'hoplimit')) {
    const op = TTL_OPS[c.op] ?? 'eq';
    return m(head === 'ip' ? 'ttl' : 'hl', { [`${head === 'ip' ? 'ttl' : 'hl'}-${op}`]: c.value });
  }
  if (head === 'fib' && c.selector[c.selector.length - 1] === 'type') {
    const which = c.selector.includes('saddr') ? 'src-type' : 'dst-type';
    return m('addrtype', { [which]: list.toUpperCase() });
  }
  if (head === 'numgen') {
    const mode = second === 'inc' ? 'nth' : 'random';
    const mod = c.selector[3] ?? '';
    const offset = c.selector[4] === 'offset' ? Number(c.selector[5] ?? 0) : 0;
    return mode === 'nth'
      ? m('statistic', { mode, every: mod, packet: String(Number(c.value) - offset) })
      : m('numgen', { mode, mod, value: c.value });
  }
  if (head === 'socket') return m('socket', { [second ?? 'match']: c.value });
  const options: Record<string, string> = {
    [key || 'value']: c.op === '==' || negated ? list : `${c.op} ${list}`,
  };
  if (c.mask) options.mask = c.mask;
  return m(head ?? 'nft', options);
}
