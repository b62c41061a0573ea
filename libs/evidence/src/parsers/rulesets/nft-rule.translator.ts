import type { RuleMatch, RuleTarget } from '@netmortem/domain';
import { conditionToMatch, hex, items } from './nft-match.mapping.js';
import type { NftToken } from './nft-text.tokenizer.js';

export interface TranslatedNftRule {
  readonly matches: RuleMatch[];
  readonly target?: RuleTarget;
  readonly counters?: { readonly packets: number; readonly bytes: number };
  readonly comment?: string;
}

interface Action {
  readonly target: RuleTarget;
  /** Terminal actions end evaluation (verdicts, NAT, reject); the rest have side effects. */
  readonly terminal: boolean;
  readonly text: string;
}

const PAYLOAD = new Set([
  'ip',
  'ip6',
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  'icmp',
  'icmpv6',
  'th',
  'ether',
  'vlan',
  'arp',
  'ah',
  'esp',
  'comp',
  'gre',
  'igmp',
]);
const META_KEYS = new Set([
  'iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'mark', 'l4proto', 'nfproto', 'pkttype',
  'skuid', 'skgid', 'length', 'priority', 'cpu', 'cgroup', 'iifgroup', 'oifgroup', 'ibrname', 'obrname',
  'rtclassid', 'nftrace', 'secmark', 'time', 'day', 'hour',
]); // prettier-ignore
const STATEMENTS = new Set([
  'counter', 'log', 'limit', 'meter', 'quota', 'comment', 'accept', 'drop', 'reject', 'return',
  'continue', 'jump', 'goto', 'queue', 'dnat', 'snat', 'masquerade', 'redirect', 'tproxy', 'notrack',
  'xt', 'XT', 'synproxy', 'fwd', 'dup', '#',
]); // prettier-ignore
const IMPLIED_PROTOCOL: Readonly<Record<string, string>> = {
  tcp: 'tcp', udp: 'udp', udplite: 'udplite', sctp: 'sctp', dccp: 'dccp', icmp: 'icmp', icmpv6: 'ipv6-icmp',
}; // prettier-ignore
const RELATIONAL = new Set(['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const BINARY = new Set(['&', 'and', '|', 'or', '^', 'xor', '>>', '<<']);
const VERDICTS: Readonly<Record<string, string>> = {
  accept: 'ACCEPT',
  drop: 'DROP',
  return: 'RETURN',
  continue: 'CONTINUE',
};
const NAT_FLAGS = new Set(['persistent', 'random', 'fully-random']);
const REJECT_NAMES: Readonly<Record<string, string>> = {
  'port-unreachable': 'port-unreachable', 'host-unreachable': 'host-unreachable', 'net-unreachable': 'net-unreachable',
  'prot-unreachable': 'proto-unreachable', 'net-prohibited': 'net-prohibited', 'host-prohibited': 'host-prohibited',
  'admin-prohibited': 'admin-prohibited', 'no-route': 'no-route', 'addr-unreachable': 'addr-unreachable',
}; // prettier-ignore

/**
 * Turns the statements of one nft rule into the shared model: conditions become matches,
 * and of its actions the last terminal one becomes the target (else the first side effect).
 * Other actions are listed in the target's `with` option: the model has one target per rule.
 */
export function translateNftRule(tokens: readonly NftToken[], family: string): TranslatedNftRule {
  const matches: RuleMatch[] = [];
  const actions: Action[] = [];
  let counters: { packets: number; bytes: number } | undefined;
  let comment: string | undefined;
  const unknown: string[] = [];
  let impliedProtocol: string | undefined;
  let i = 0;

  const word = (at: number): string | undefined =>
    tokens[at]?.kind === 'word' ? tokens[at]?.text : undefined;
  const flushUnknown = (): void => {
    if (unknown.length === 0) return;
    matches.push({ module: 'nft', negated: false, options: { expression: unknown.join(' ') } });
    unknown.length = 0;
  };
  const act = (target: RuleTarget, terminal: boolean, from: number): void => {
    actions.push({ target, terminal, text: tokens.slice(from, i).map(show).join(' ') });
  };
  const ext = (name: string, options: Record<string, string> = {}): RuleTarget => ({
    name,
    kind: 'extension',
    options,
  });

  while (i < tokens.length) {
    const start = i;
    const token = tokens[i];
    if (!token) break;
    const w = token.kind === 'word' ? token.text : undefined;

    if (w === 'counter') {
      i += 1;
      if (word(i) === 'packets' && word(i + 2) === 'bytes') {
        counters = { packets: Number(word(i + 1)), bytes: Number(word(i + 3)) };
        i += 4;
      } else if (word(i) === 'name') i += 2;
    } else if (w === 'comment') {
      comment = tokens[i + 1]?.text;
      i += 2;
    } else if (w && VERDICTS[w]) {
      i += 1;
      act({ name: VERDICTS[w] ?? w, kind: 'verdict', options: {} }, true, start);
    } else if (w === 'jump' || w === 'goto') {
      const name = tokens[i + 1]?.text ?? '';
      i += 2;
      act({ name, kind: w, options: {} }, true, start);
    } else if (w === 'reject') {
      i += 1;
      const options: Record<string, string> = {};
      if (word(i) === 'with') {
        const what = [word(i + 1), word(i + 2), word(i + 3)];
        if (what[0] === 'tcp' && what[1] === 'reset') {
          options['reject-with'] = 'tcp-reset';
          i += 3;
        } else {
          const proto = what[0] ?? '';
          const name = what[1] === 'type' ? what[2] : what[1];
          i += what[1] === 'type' ? 4 : 3;
          options['reject-with'] = rejectWith(proto, name ?? '', family);
        }
      }
      act(ext('REJECT', options), true, start);
    } else if (w === 'dnat' || w === 'snat') {
      i += 1;
      if (word(i) === 'ip' || word(i) === 'ip6') i += 1;
      const options: Record<string, string> = {};
      if (word(i) === 'to') {
        i += 1;
        const key = w === 'dnat' ? 'to-destination' : 'to-source';
        const address = readNatAddress();
        Object.assign(
          options,
          address.mapKey
            ? { 'map-key': address.mapKey, map: address.value }
            : { [key]: address.value },
        );
      }
      readNatFlags(options);
      act(ext(w === 'dnat' ? 'DNAT' : 'SNAT', options), true, start);
    } else if (w === 'masquerade' || w === 'redirect') {
      i += 1;
      const options: Record<string, string> = {};
      if (word(i) === 'to') {
        options['to-ports'] = (word(i + 1) ?? '').replace(/^:/, '');
        i += 2;
      }
      readNatFlags(options);
      act(ext(w === 'masquerade' ? 'MASQUERADE' : 'REDIRECT', options), true, start);
    } else if (w === 'tproxy') {
      i += 1;
      if (word(i) === 'ip' || word(i) === 'ip6') i += 1;
      const options: Record<string, string> = {};
      if (word(i) === 'to') {
        const to = word(i + 1) ?? '';
        const port = /:(\d+)$/.exec(to)?.[1];
        const ip = to.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
        if (port) options['on-port'] = port;
        if (ip) options['on-ip'] = ip;
        i += 2;
      }
      act(ext('TPROXY', options), true, start);
    } else if (w === 'queue') {
      i += 1;
      const options: Record<string, string> = {};
      while (word(i) === 'num' || word(i) === 'flags' || word(i) === 'to') {
        options[word(i) === 'flags' ? 'queue-flags' : 'queue-num'] = tokens[i + 1]?.text ?? '';
        i += 2;
      }
      act(ext('NFQUEUE', options), true, start);
    } else if (w === 'notrack') {
      i += 1;
      act(ext('CT', { notrack: '' }), false, start);
    } else if (w === 'log') {
      i += 1;
      const options: Record<string, string> = {};
      for (;;) {
        const k = word(i);
        if (
          k === 'prefix' ||
          k === 'level' ||
          k === 'group' ||
          k === 'snaplen' ||
          k === 'queue-threshold'
        ) {
          options[k] = tokens[i + 1]?.text ?? '';
          i += 2;
        } else if (k === 'flags') {
          i += 1;
          const flags: string[] = [];
          while (
            /^(?:tcp|ip|skuid|ether|all|sequence|options|sequence,options)$/.test(word(i) ?? '')
          )
            flags.push(word(i++) ?? '');
          options.flags = options.flags ? `${options.flags} ${flags.join(' ')}` : flags.join(' ');
        } else break;
      }
      const nflog = options.group !== undefined;
      const out: Record<string, string> = {};
      if (options.prefix !== undefined) out[nflog ? 'nflog-prefix' : 'log-prefix'] = options.prefix;
      if (options.level !== undefined) out['log-level'] = options.level;
      if (nflog) out['nflog-group'] = options.group ?? '';
      if (options.flags) out['log-flags'] = options.flags;
      act(ext(nflog ? 'NFLOG' : 'LOG', out), false, start);
    } else if (w === 'limit') {
      i += 1;
      const words: string[] = [];
      while (word(i) && !STATEMENTS.has(word(i) ?? '') && !isSelectorStart(i))
        words.push(word(i++) ?? '');
      const text = words.join(' ');
      const rate = /rate (over )?(\S+)/.exec(text);
      const burst = /burst (\d+)/.exec(text);
      matches.push({
        module: 'limit',
        negated: !!rate?.[1],
        options: { limit: rate?.[2] ?? text, ...(burst ? { 'limit-burst': burst[1] ?? '' } : {}) },
      });
    } else if (w === 'meter') {
      const name = word(i + 1) ?? '';
      const body = tokens[i + 2]?.kind === 'group' ? (tokens[i + 2]?.text ?? '') : '';
      i += body ? 3 : 2;
      matches.push({
        module: 'hashlimit',
        negated: false,
        options: { 'hashlimit-name': name, meter: body },
      });
    } else if (w === 'quota') {
      i += 1;
      const words: string[] = [];
      while (word(i) && !STATEMENTS.has(word(i) ?? '')) words.push(word(i++) ?? '');
      matches.push({ module: 'quota', negated: false, options: { quota: words.join(' ') } });
    } else if (
      (w === 'xt' || w === 'XT') &&
      (word(i + 1) === 'match' || word(i + 1) === 'target')
    ) {
      // Rules iptables-nft could not express natively: only the extension's name survives.
      const name = word(i + 2) ?? '';
      const isTarget = word(i + 1) === 'target';
      i += 3;
      if (w === 'XT' && word(i) === 'not' && word(i + 1) === 'found') i += 2;
      if (isTarget)
        act(
          ext(name, { untranslated: 'xt' }),
          !['CT', 'MARK', 'CONNMARK', 'LOG', 'NFLOG', 'TCPMSS'].includes(name),
          start,
        );
      else matches.push({ module: name, negated: false, options: { untranslated: 'xt' } });
    } else if (w === '#' || (w?.startsWith('#') ?? false)) {
      // nftables ≥ 1.0.7 prints untranslatable extensions as `# xt_NAME`.
      const name = (w === '#' ? word(i + 1) : w?.slice(1)) ?? '';
      i += w === '#' ? 2 : 1;
      const xt = /^xt_(\w+)$/.exec(name);
      if (xt?.[1]) {
        const upper = xt[1] === xt[1].toUpperCase();
        if (upper) act(ext(xt[1], { untranslated: 'xt' }), false, start);
        else matches.push({ module: xt[1], negated: false, options: { untranslated: 'xt' } });
      } else {
        i = tokens.length; // a trailing comment
      }
    } else if (isSelectorStart(i)) {
      flushUnknown();
      readSelectorExpression();
      continue;
    } else {
      unknown.push(show(token));
      i += 1;
      continue;
    }
    flushUnknown();
  }
  flushUnknown();
  // `tcp dport 80` matches TCP only; iptables spells that out with `-p tcp`.
  if (impliedProtocol && !matches.some((m) => m.module === 'ip' && 'protocol' in m.options)) {
    matches.unshift({ module: 'ip', negated: false, options: { protocol: impliedProtocol } });
  }

  const terminal = [...actions].reverse().find((a) => a.terminal);
  const chosen = terminal ?? actions[0];
  let target = chosen?.target;
  const others = actions.filter((a) => a !== chosen).map((a) => a.text);
  if (target && others.length > 0)
    target = { ...target, options: { ...target.options, with: others.join('; ') } };
  return {
    matches,
    ...(target ? { target } : {}),
    ...(counters ? { counters } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };

  function isSelectorStart(at: number): boolean {
    const w = word(at);
    if (!w) return false;
    return (
      PAYLOAD.has(w) ||
      META_KEYS.has(w) ||
      ['ct', 'meta', 'fib', 'numgen', 'socket', 'rt'].includes(w)
    );
  }

  function readSelector(): string[] {
    const head = word(i) ?? '';
    const take = (n: number): string[] => {
      const out = tokens.slice(i, i + n).map((t) => t.text);
      i += n;
      return out;
    };
    if (PAYLOAD.has(head)) return take(head === 'tcp' && word(i + 1) === 'option' ? 4 : 2);
    if (head === 'ct')
      return take(
        word(i + 1) === 'original' || word(i + 1) === 'reply'
          ? PAYLOAD.has(word(i + 2) ?? '')
            ? 4
            : 3
          : 2,
      );
    if (head === 'meta' || head === 'socket' || head === 'rt') return take(2);
    if (head === 'numgen') return take(word(i + 4) === 'offset' ? 6 : 4);
    if (head === 'fib') {
      const out: string[] = [];
      while (i < tokens.length) {
        const w = word(i++) ?? '';
        out.push(w);
        if (w === 'type' || w === 'oif' || w === 'oifname') break;
      }
      return out;
    }
    return take(1);
  }

  function readSelectorExpression(): void {
    const from = i;
    const selector = readSelector();
    if (word(i) === 'set') {
      i += 1;
      const value: string[] = [];
      while (i < tokens.length && !STATEMENTS.has(word(i) ?? ''))
        value.push(show(tokens[i++] as NftToken));
      act(setTarget(selector, value.join(' ')), false, from);
      return;
    }
    if (word(i) === 'vmap') {
      const map = tokens[i + 1]?.text ?? '';
      i += 2;
      act(ext('VMAP', { 'map-key': selector.join(' '), map }), true, from);
      return;
    }
    let mask: string | undefined;
    if (BINARY.has(word(i) ?? '')) {
      mask = tokens[i + 1]?.text;
      i += 2;
    }
    let op = '==';
    if (RELATIONAL.has(word(i) ?? '')) op = word(i++) ?? '==';
    // A selector always takes a value, even one spelled like a statement (`ct status dnat`).
    const value = tokens[i];
    if (!value) {
      unknown.push(...selector);
      return;
    }
    i += 1;
    let valueText = value.text;
    // Flag comparisons: `tcp flags syn / fin,syn,rst,ack`.
    if (word(i) === '/') {
      mask = tokens[i + 1]?.text;
      i += 2;
    }
    if (value.kind === 'word' && selector[0] === 'meta' && selector[1] === 'mark')
      valueText = hex(valueText);
    matches.push(
      conditionToMatch({
        selector,
        op,
        value: valueText,
        valueIsSet: value.kind === 'group',
        ...(mask ? { mask } : {}),
      }),
    );
    const implied = IMPLIED_PROTOCOL[selector[0] ?? ''];
    if (implied && selector[1] !== 'protocol' && selector[1] !== 'nexthdr')
      impliedProtocol ??= implied;
  }

  function readNatAddress(): { value: string; mapKey?: string } {
    if (isSelectorStart(i)) {
      const selector = readSelector();
      if (word(i) === 'map') {
        const map = tokens[i + 1];
        i += 2;
        return {
          value: map?.kind === 'group' ? items(map.text).join(', ') : (map?.text ?? ''),
          mapKey: selector.join(' '),
        };
      }
      return { value: selector.join(' ') };
    }
    return { value: word(i++) ?? '' };
  }

  function readNatFlags(options: Record<string, string>): void {
    while (word(i) && (word(i) ?? '').split(',').every((f) => NAT_FLAGS.has(f))) {
      for (const flag of (word(i) ?? '').split(','))
        options[flag === 'fully-random' ? 'random-fully' : flag] = '';
      i += 1;
    }
  }
}

function setTarget(selector: readonly string[], value: string): RuleTarget {
  const key = selector.join(' ');
  const ext = (name: string, options: Record<string, string>): RuleTarget => ({
    name,
    kind: 'extension',
    options,
  });
  if (key === 'meta mark' || key === 'mark') {
    if (value === 'ct mark') return ext('CONNMARK', { 'restore-mark': '' });
    const or = /^mark (?:or|\|) (\S+)$/.exec(value);
    if (or?.[1]) return ext('MARK', { 'set-xmark': `${hex(or[1])}/${hex(or[1])}` });
    if (/^0x[0-9a-f]+$|^\d+$/i.test(value))
      return ext('MARK', { 'set-xmark': `${hex(value)}/0xffffffff` });
    return ext('MARK', { set: value });
  }
  if (key === 'ct mark')
    return value === 'mark' || value === 'meta mark'
      ? ext('CONNMARK', { 'save-mark': '' })
      : ext('CONNMARK', { 'set-mark': hex(value) });
  if (key === 'ct zone') return ext('CT', { zone: value });
  if (key === 'ct helper') return ext('CT', { helper: value.replace(/"/g, '') });
  if (key === 'tcp option maxseg size')
    return value === 'rt mtu'
      ? ext('TCPMSS', { 'clamp-mss-to-pmtu': '' })
      : ext('TCPMSS', { 'set-mss': value });
  return ext('SET', { [key]: value });
}

function rejectWith(proto: string, name: string, family: string): string {
  const base = REJECT_NAMES[name] ?? name;
  if (proto === 'icmpv6' || (proto === 'icmpx' && family === 'ip6'))
    return base === 'admin-prohibited' ? 'icmp6-adm-prohibited' : `icmp6-${base}`;
  return `icmp-${base}`;
}

function show(token: NftToken): string {
  if (token.kind === 'string') return `"${token.text}"`;
  if (token.kind === 'group') return `{ ${token.text} }`;
  return token.text;
}
