import { readFileSync } from 'node:fs';
import type { Rule, RuleChain, Ruleset } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { nftRulesetParser } from './nft-ruleset.parser.js';

const shared = new URL('../../detection/__fixtures__/nft-ruleset/', import.meta.url);
const lab = new URL('./__fixtures__/', import.meta.url);
const parse = (root: URL, file: string) =>
  parseText(nftRulesetParser, readFileSync(new URL(file, root), 'utf8'), file);

function chain(ruleset: Ruleset, family: string, table: string, name: string): RuleChain {
  const found = ruleset.tables
    .find((t) => t.family === family && t.name === table)
    ?.chains.find((c) => c.name === name);
  if (!found) throw new Error(`no ${family} ${table} ${name}`);
  return found;
}
const rules = (ruleset: Ruleset): Rule[] =>
  ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));

const INVALID_DROP = {
  matches: [{ module: 'conntrack', negated: false, options: { ctstate: 'INVALID' } }],
  target: { name: 'DROP', kind: 'verdict', options: {} },
};

describe('nft list ruleset fixtures', () => {
  it.each(['native-inet-filter-ip-nat.txt', 'native-with-handles.txt', 'json.txt'])(
    '%s: the same ruleset',
    (file) => {
      const { value, status, issues } = parse(shared, file);
      expect(status).toBe('parsed');
      expect(issues).toEqual([]);
      expect(value.source).toBe('nft');
      expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['inet filter', 'ip nat']);
      expect(chain(value, 'inet', 'filter', 'input')).toMatchObject({
        hook: 'input',
        priority: 0,
        policy: 'ACCEPT',
      });
      expect(chain(value, 'inet', 'filter', 'forward').policy).toBe('DROP');
      expect(chain(value, 'ip', 'nat', 'prerouting').priority).toBe(-100);
      const [invalid, established, reset] = chain(value, 'inet', 'filter', 'input').rules;
      expect(invalid).toMatchObject({ ...INVALID_DROP, counters: { packets: 0, bytes: 0 } });
      expect(established?.matches).toEqual([
        { module: 'conntrack', negated: false, options: { ctstate: 'ESTABLISHED,RELATED' } },
      ]);
      expect(reset).toMatchObject({
        matches: [
          { module: 'ip', options: { protocol: 'tcp' } },
          { module: 'tcp', options: { dport: '9999' } },
        ],
        target: { name: 'REJECT', kind: 'extension', options: { 'reject-with': 'tcp-reset' } },
      });
      const [redirect, dnat] = chain(value, 'ip', 'nat', 'prerouting').rules;
      expect(redirect?.target).toEqual({
        name: 'REDIRECT',
        kind: 'extension',
        options: { 'to-ports': '8080' },
      });
      expect(dnat?.matches).toContainEqual({
        module: 'ip',
        negated: false,
        options: { destination: '10.96.0.30' },
      });
      expect(dnat?.target).toEqual({
        name: 'DNAT',
        kind: 'extension',
        options: { 'map-key': 'numgen random mod 2', map: '0 : 10.77.0.2, 1 : 10.77.0.3' },
      });
      expect(chain(value, 'ip', 'nat', 'postrouting').rules[0]).toMatchObject({
        matches: [
          { module: 'ip', negated: false, options: { source: '10.77.0.0/24' } },
          { module: 'ip', negated: true, options: { 'out-interface': 'lo' } },
        ],
        target: { name: 'MASQUERADE', kind: 'extension', options: {} },
      });
    },
  );

  it('keeps the raw text (handles stripped) and the line of each rule', () => {
    const { value } = parse(shared, 'native-with-handles.txt');
    expect(chain(value, 'inet', 'filter', 'input').rules[0]).toMatchObject({
      locator: { artifact: 'native-with-handles.txt', line: 4 },
      raw: 'ct state invalid counter packets 0 bytes 0 drop',
    });
  });

  it('iptables-nft tables: counters, named priorities, backend', () => {
    const { value } = parse(shared, 'iptables-nft-translated.txt');
    expect(value.backend).toBe('nft');
    expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual([
      'ip nat',
      'ip mangle',
      'ip filter',
      'ip6 filter',
    ]);
    expect(chain(value, 'ip', 'mangle', 'PREROUTING')).toMatchObject({
      hook: 'prerouting',
      priority: -150,
    });
    expect(chain(value, 'ip', 'mangle', 'PREROUTING').rules[0]?.target).toEqual({
      name: 'ISTIO_DROP',
      kind: 'jump',
      options: {},
    });
    expect(chain(value, 'ip', 'nat', 'ISTIO_IN_REDIRECT').rules[0]).toMatchObject({
      counters: { packets: 8, bytes: 480 },
      matches: [{ module: 'ip', options: { protocol: 'tcp' } }],
      target: { name: 'REDIRECT', options: { 'to-ports': '8080' } },
    });
    expect(chain(value, 'ip6', 'filter', 'INPUT').rules[0]).toMatchObject(INVALID_DROP);
  });
});

// Real nftables 1.0.6 output (see __fixtures__/README.md).
describe('nft lab captures', () => {
  it('iptables-nft translation of a rich ruleset, with xt leftovers', () => {
    const { value, status } = parse(lab, 'nft-list-iptables-nft-rich.txt');
    expect(status).toBe('parsed');
    const all = rules(value);
    const find = (text: string) => all.find((r) => r.raw.includes(text));
    expect(find('xt target CT')?.target).toEqual({
      name: 'CT',
      kind: 'extension',
      options: { untranslated: 'xt' },
    });
    expect(find('xt match socket')?.matches).toContainEqual({
      module: 'socket',
      negated: false,
      options: { untranslated: 'xt' },
    });
    expect(find('numgen inc mod 3 0')?.matches).toEqual([
      { module: 'statistic', negated: false, options: { mode: 'nth', every: '3', packet: '0' } },
    ]);
    expect(find('meta random')).toMatchObject({
      matches: [{ module: 'statistic', options: { mode: 'random', probability: '0.5' } }],
      target: { name: 'KUBE-SEP-B', kind: 'goto' },
    });
    expect(find('fully-random')).toMatchObject({
      matches: [{ module: 'mark', options: { mark: '0x4000/0x4000' } }],
      target: { name: 'MASQUERADE', options: { 'random-fully': '' } },
    });
    expect(find('dnat to 10.244.3.7-10.244.3.9:5300-5302 random')?.target?.options).toEqual({
      'to-destination': '10.244.3.7-10.244.3.9:5300-5302',
      random: '',
    });
    expect(find('tcp dport { 80, 443, 8000-8080 }')?.matches).toContainEqual({
      module: 'multiport',
      negated: false,
      options: { dports: '80,443,8000:8080' },
    });
    expect(find('fib daddr type local')?.matches).toEqual([
      { module: 'addrtype', negated: false, options: { 'dst-type': 'LOCAL' } },
    ]);
    expect(find('ip frag-off')?.matches).toEqual([
      { module: 'ip', negated: false, options: { fragment: '' } },
    ]);
    expect(find('meta mark set mark or 0x4000')?.target?.options).toEqual({
      'set-xmark': '0x4000/0x4000',
    });
    expect(find('ct mark set mark')?.target).toEqual({
      name: 'CONNMARK',
      kind: 'extension',
      options: { 'save-mark': '' },
    });
    expect(find('maxseg size set rt mtu')?.target?.name).toBe('TCPMSS');
    expect(find('ct status dnat')?.matches).toEqual([
      { module: 'conntrack', negated: false, options: { ctstatus: 'DNAT' } },
      { module: 'conntrack', negated: false, options: { ctstatus: 'ASSURED' } },
    ]);
    expect(find('log prefix "nm dnat" group 5')?.target).toEqual({
      name: 'NFLOG',
      kind: 'extension',
      options: { 'nflog-prefix': 'nm dnat', 'nflog-group': '5' },
    });
    expect(find('reject with icmpv6 type admin-prohibited')?.target?.options).toEqual({
      'reject-with': 'icmp6-adm-prohibited',
    });
    expect(find('XT target REDIRECT not found')?.target).toEqual({
      name: 'REDIRECT',
      kind: 'extension',
      options: { untranslated: 'xt' },
    });
  });

  it.each(['nft-native-rich.txt', 'nft-native-rich-handles.txt', 'nft-native-rich-json.txt'])(
    '%s: native ruleset with maps and verdict maps',
    (file) => {
      const { value, status } = parse(lab, file);
      expect(status).toBe('parsed');
      expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual([
        'inet nm_filter',
        'ip nm_nat',
        'ip6 nm_raw',
        'netdev nm_ingress',
        'bridge nm_br',
        'arp nm_arp',
      ]);
      expect(chain(value, 'netdev', 'nm_ingress', 'ingress')).toMatchObject({
        hook: 'ingress',
        priority: -500,
      });
      expect(chain(value, 'ip6', 'nm_raw', 'pre').priority).toBe(-300);
      const input = chain(value, 'inet', 'nm_filter', 'input');
      expect(input.policy).toBe('DROP');
      expect(input.rules[0]).toMatchObject(INVALID_DROP);
      expect(input.rules[3]?.matches).toEqual([
        { module: 'set', negated: false, options: { 'match-set': 'blocked4 src' } },
      ]);
      expect(input.rules[4]?.matches).toContainEqual({
        module: 'multiport',
        negated: false,
        options: { dports: '80,443' },
      });
      const forward = chain(value, 'inet', 'nm_filter', 'forward');
      expect(forward.rules[0]?.target).toEqual({
        name: 'VMAP',
        kind: 'extension',
        options: {
          'map-key': 'ct state',
          map: 'invalid : drop, established : accept, related : accept',
        },
      });
      expect(chain(value, 'inet', 'nm_filter', 'custom').rules[0]).toMatchObject({
        matches: [
          { module: 'ip', options: { protocol: 'tcp' } },
          { module: 'ip', options: { destination: '10.96.0.0/12' } },
          { module: 'tcp', negated: true, options: { dport: '443' } },
        ],
        target: { name: 'deny', kind: 'goto' },
      });
      const pre = chain(value, 'ip', 'nm_nat', 'prerouting');
      expect(pre.rules[0]?.target?.options).toEqual({
        'map-key': 'numgen random mod 2',
        map: '0 : jump sep_a, 1 : jump sep_b',
      });
      expect(pre.rules[3]?.target).toEqual({
        name: 'REDIRECT',
        kind: 'extension',
        options: { 'to-ports': '15006' },
      });
      expect(chain(value, 'ip', 'nm_nat', 'sep_a').rules[0]?.target).toMatchObject({
        name: 'DNAT',
        options: { 'to-destination': '10.244.3.1:8080' },
      });
      expect(chain(value, 'ip6', 'nm_raw', 'pre').rules.map((r) => r.target?.options)).toEqual([
        { notrack: '' },
        { zone: '7' },
        {},
      ]);
      expect(chain(value, 'ip6', 'nm_raw', 'pre').rules[2]).toMatchObject({
        counters: { packets: 5, bytes: 400 },
        comment: 'fd77 web',
      });
    },
  );
});

describe('nft edge cases', () => {
  it('reports rules with open quotes, text outside tables, and bad JSON', () => {
    const text =
      'stray\ntable ip t {\n\tchain c {\n\t\tip saddr "oops drop\n\t\ttcp dport 1 accept\n\t}\n}';
    const { value, issues } = parseText(nftRulesetParser, text, 'n.txt');
    expect(issues.map((i) => [i.locator.line, i.code])).toEqual([
      [1, 'UNPARSEABLE_LINE'],
      [4, 'UNPARSEABLE_LINE'],
    ]);
    expect(chain(value, 'ip', 't', 'c').rules).toHaveLength(1);
    const json = parseText(nftRulesetParser, '{"nftables": [', 'j.json');
    expect(json.status).toBe('failed');
    expect(json.issues[0]).toMatchObject({ locator: { line: 1 }, code: 'UNPARSEABLE_JSON' });
  });

  it('keeps untranslatable conditions as opaque nft matches and reads `# xt_` leftovers', () => {
    const text =
      'table ip t {\n\tchain c {\n\t\tosf name "Linux" counter # xt_CT\n\t\tmeta l4proto tcp # xt_socket accept\n\t}\n}';
    const [first, second] = chain(parseText(nftRulesetParser, text).value, 'ip', 't', 'c').rules;
    expect(first?.matches).toEqual([
      { module: 'nft', negated: false, options: { expression: 'osf name "Linux"' } },
    ]);
    expect(first?.target).toEqual({
      name: 'CT',
      kind: 'extension',
      options: { untranslated: 'xt' },
    });
    expect(second?.matches[1]).toEqual({
      module: 'socket',
      negated: false,
      options: { untranslated: 'xt' },
    });
  });
});
