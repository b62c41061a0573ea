import { readFileSync } from 'node:fs';
import type { Rule, RuleChain, Ruleset } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { iptablesSaveParser } from './iptables-save.parser.js';

const shared = new URL('../../detection/__fixtures__/iptables-save/', import.meta.url);
const lab = new URL('./__fixtures__/', import.meta.url);
const parse = (root: URL, file: string) =>
  parseText(iptablesSaveParser, readFileSync(new URL(file, root), 'utf8'), file);

function chain(ruleset: Ruleset, table: string, name: string, family = 'ipv4'): RuleChain {
  const found = ruleset.tables
    .find((t) => t.name === table && t.family === family)
    ?.chains.find((c) => c.name === name);
  if (!found) throw new Error(`no ${family} ${table} ${name}`);
  return found;
}
const ruleAt = (ruleset: Ruleset, line: number): Rule | undefined =>
  ruleset.tables
    .flatMap((t) => t.chains.flatMap((c) => c.rules))
    .find((r) => r.locator.line === line);

describe('iptables-save fixtures', () => {
  it('legacy kube-proxy: tables, policies with counters, DNAT and statistic', () => {
    const { value, status } = parse(shared, 'legacy-kube-proxy.txt');
    expect(status).toBe('parsed');
    expect(value).toMatchObject({
      source: 'iptables-save',
      backend: 'legacy',
      locator: { artifact: 'legacy-kube-proxy.txt' },
    });
    expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ipv4 filter', 'ipv4 nat']);
    expect(chain(value, 'filter', 'INPUT')).toMatchObject({
      policy: 'ACCEPT',
      counters: { packets: 78, bytes: 6062 },
    });
    expect(chain(value, 'filter', 'KUBE-FIREWALL')).not.toHaveProperty('policy');
    expect(ruleAt(value, 8)).toMatchObject({
      matches: [{ module: 'conntrack', negated: false, options: { ctstate: 'INVALID' } }],
      target: { name: 'DROP', kind: 'verdict', options: {} },
    });
    expect(ruleAt(value, 9)?.matches).toContainEqual({
      module: 'conntrack',
      negated: true,
      options: { ctstate: 'RELATED,ESTABLISHED,DNAT' },
    });
    expect(ruleAt(value, 9)?.comment).toBe('block incoming localnet connections');
    expect(ruleAt(value, 26)).toMatchObject({
      raw: '-A KUBE-SEP-KR3M5GIIHQ2TUX2N -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination 10.77.0.2:80',
      target: { name: 'DNAT', kind: 'extension', options: { 'to-destination': '10.77.0.2:80' } },
    });
    expect(ruleAt(value, 29)).toMatchObject({
      matches: [
        { module: 'comment', options: { comment: 'default/web:http -> 10.77.0.2:80' } },
        { module: 'statistic', options: { mode: 'random', probability: '0.50000000000' } },
      ],
      target: { name: 'KUBE-SEP-KR3M5GIIHQ2TUX2N', kind: 'jump' },
    });
  });

  it('nft backend with -c counters on each rule', () => {
    const { value } = parse(shared, 'nft-nat-with-counters.txt');
    expect(value.backend).toBe('nft');
    expect(ruleAt(value, 12)).toMatchObject({
      counters: { packets: 8, bytes: 480 },
      target: { name: 'ISTIO_IN_REDIRECT', kind: 'jump' },
    });
    expect(ruleAt(value, 13)?.target).toEqual({
      name: 'REDIRECT',
      kind: 'extension',
      options: { 'to-ports': '8080' },
    });
  });

  it('ip6tables-save gives ipv6 tables', () => {
    const { value } = parse(shared, 'ip6tables-nft.txt');
    expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ipv6 filter']);
    expect(ruleAt(value, 8)?.target).toEqual({
      name: 'REJECT',
      kind: 'extension',
      options: { 'reject-with': 'tcp-reset' },
    });
  });

  it('Istio init rules: owner matches, negated and not', () => {
    const { value } = parse(shared, 'istio-init-sidecar.txt');
    expect(chain(value, 'nat', 'ISTIO_OUTPUT').rules).toHaveLength(9);
    expect(ruleAt(value, 21)?.matches).toEqual([
      { module: 'ip', negated: false, options: { 'out-interface': 'lo' } },
      { module: 'owner', negated: true, options: { 'uid-owner': '1337' } },
    ]);
    expect(ruleAt(value, 18)?.target).toEqual({
      name: 'REDIRECT',
      kind: 'extension',
      options: { 'to-ports': '15006' },
    });
  });

  it('a dump that only warns about legacy tables fails with that reason', () => {
    const outcome = parse(shared, 'warning-legacy-tables-present.txt');
    expect(outcome.status).toBe('failed');
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 'warning-legacy-tables-present.txt', line: 1 },
        code: 'OTHER_BACKEND_TABLES',
        message: expect.stringContaining('iptables-legacy') as string,
      },
    ]);
    const mixed = parse(lab, 'nft-save-with-legacy-warning.txt');
    expect(mixed.status).toBe('partial');
    expect(mixed.value).toMatchObject({ backend: 'nft', tables: [{ name: 'filter' }] });
  });

  it('iptables -S without a table: nat recognised from its built-in chains', () => {
    const { value, status } = parse(shared, 'S-rule-specs-nat.txt');
    expect(status).toBe('parsed');
    expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ipv4 nat']);
    expect(value).not.toHaveProperty('backend');
    expect(chain(value, 'nat', 'PREROUTING').policy).toBe('ACCEPT');
    expect(ruleAt(value, 15)).toMatchObject({
      target: { name: 'KUBE-SVC-4QX2LDJ7HSXAMZQW', kind: 'jump' },
    });
  });
});

// Real iptables 1.8.9 output for a ruleset using most extensions (see __fixtures__/README.md).
describe('iptables lab captures', () => {
  it.each([
    ['legacy-save-rich.txt', 'legacy', false],
    ['legacy-save-c-rich.txt', 'legacy', true],
    ['nft-save-c-rich.txt', 'nft', true],
  ])('%s', (file, backend, counted) => {
    const { value, status } = parse(lab, file);
    expect(status).toBe('parsed');
    expect(value.backend).toBe(backend);
    expect(value.tables.map((t) => t.name).sort()).toEqual(['filter', 'mangle', 'nat', 'raw']);
    const rules = value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
    expect(rules).toHaveLength(56);
    expect(rules.every((r) => (r.counters !== undefined) === counted)).toBe(true);
    const find = (text: string) => rules.find((r) => r.raw.includes(text));
    expect(find('--mode nth')?.matches).toEqual([
      { module: 'statistic', negated: false, options: { mode: 'nth', every: '3', packet: '0' } },
    ]);
    expect(find('-g KUBE-SEP-B')?.target).toEqual({
      name: 'KUBE-SEP-B',
      kind: 'goto',
      options: {},
    });
    expect(find('--random-fully')?.target).toEqual({
      name: 'MASQUERADE',
      kind: 'extension',
      options: { 'random-fully': '' },
    });
    expect(find('--to-ports 30000-40000')?.target?.options).toEqual({ 'to-ports': '30000-40000' });
    expect(find('--to-source')?.target?.options).toEqual({ 'to-source': '10.99.1.1' });
    expect(find('5300-5302')?.target?.options).toEqual({
      'to-destination': '10.244.3.7-10.244.3.9:5300-5302',
      random: '',
    });
    expect(find('--set-xmark 0x539')?.target?.options).toEqual({ 'set-xmark': '0x539/0xffffffff' });
    expect(find('TPROXY')?.target?.options).toEqual({
      'on-port': '15006',
      'on-ip': '0.0.0.0',
      'tproxy-mark': '0x539/0xffffffff',
    });
    expect(find('-j CT --zone')?.target).toEqual({
      name: 'CT',
      kind: 'extension',
      options: { zone: '7' },
    });
    expect(find('-j CT --notrack')?.target?.options).toEqual({ notrack: '' });
    expect(find('NOTRACK')?.target).toEqual({ name: 'NOTRACK', kind: 'extension', options: {} });
    expect(find('--nowildcard')?.matches).toContainEqual({
      module: 'socket',
      negated: false,
      options: { transparent: '', nowildcard: '' },
    });
    expect(find('--dports 80,443')?.matches).toContainEqual({
      module: 'multiport',
      negated: false,
      options: { dports: '80,443,8000:8080' },
    });
    expect(find('! --sports')?.matches).toContainEqual({
      module: 'multiport',
      negated: true,
      options: { sports: '53,5353' },
    });
    expect(find('--dst-type LOCAL')?.matches).toEqual([
      { module: 'addrtype', negated: false, options: { 'dst-type': 'LOCAL' } },
    ]);
    expect(find('--state RELATED')?.matches).toEqual([
      { module: 'state', negated: false, options: { state: 'RELATED,ESTABLISHED' } },
    ]);
    expect(find('-j REJECT --reject-with icmp-host-prohibited')?.target?.options).toEqual({
      'reject-with': 'icmp-host-prohibited',
    });
    expect(find('-f -j DROP')?.matches).toEqual([
      { module: 'ip', negated: false, options: { fragment: '' } },
    ]);
    expect(find('--uid-owner 1337 --gid-owner')?.matches[1]).toEqual({
      module: 'owner',
      negated: false,
      options: { 'uid-owner': '1337', 'gid-owner': '1337' },
    });
    expect(find('GET /evil')?.matches).toEqual([
      { module: 'string', negated: false, options: { string: 'GET /evil', algo: 'bm' } },
    ]);
  });

  it('ip6tables-save legacy: DNAT to a bracketed address', () => {
    const { value } = parse(lab, 'ip6tables-legacy-save.txt');
    expect(value.tables.every((t) => t.family === 'ipv6')).toBe(true);
    expect(chain(value, 'nat', 'OUTPUT', 'ipv6').rules[0]?.target?.options).toEqual({
      'to-destination': '[fd77::2]:8080',
    });
    expect(chain(value, 'filter', 'INPUT', 'ipv6').rules[3]?.target?.options).toEqual({
      'reject-with': 'icmp6-adm-prohibited',
    });
  });

  it('iptables -S and -v -S: filter by default, inline counters', () => {
    const plain = parse(lab, 'S-filter-rich.txt').value;
    expect(plain.tables.map((t) => t.name)).toEqual(['filter']);
    expect(chain(plain, 'filter', 'FORWARD').policy).toBe('DROP');
    const verbose = parse(lab, 'vS-filter-counters.txt').value;
    expect(chain(verbose, 'filter', 'INPUT').counters).toEqual({ packets: 0, bytes: 0 });
    expect(chain(verbose, 'filter', 'INPUT').rules[0]).toMatchObject({
      counters: { packets: 0, bytes: 0 },
      target: { name: 'ACCEPT' },
    });
  });
});

describe('iptables-save edge cases', () => {
  it('pasted commands name their table and family', () => {
    const { value } = parseText(
      iptablesSaveParser,
      'sudo iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 15006\nip6tables -A INPUT -s fd00::/8 -j DROP',
    );
    expect(value.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ipv4 nat', 'ipv6 filter']);
    expect(chain(value, 'nat', 'PREROUTING').rules[0]?.matches).toEqual([
      { module: 'ip', negated: false, options: { protocol: 'tcp' } },
      { module: 'tcp', negated: false, options: { dport: '80' } },
    ]);
  });

  it('a -S paste with nat targets lands in nat', () => {
    const { value } = parseText(
      iptablesSaveParser,
      '-N KUBE-SEP-1\n-A KUBE-SEP-1 -p tcp -j DNAT --to-destination 10.0.0.1:80',
    );
    expect(value.tables[0]?.name).toBe('nat');
  });

  it('reports lines it cannot read, and rules it read only in part', () => {
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      'hello world',
      '-A INPUT -m comment --comment "never closed -j DROP',
      '-A',
      'COMMIT',
    ].join('\n');
    const { value, issues, status } = parseText(iptablesSaveParser, text, 'r.txt');
    expect(status).toBe('partial');
    expect(issues.map((i) => [i.locator.line, i.code])).toEqual([
      [3, 'UNPARSEABLE_LINE'],
      [4, 'RULE_NOT_FULLY_READ'],
      [5, 'UNPARSEABLE_LINE'],
    ]);
    expect(chain(value, 'filter', 'INPUT').rules).toHaveLength(1);
  });
});
