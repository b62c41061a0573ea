import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIptablesListing } from './iptables-listing.js';
import { splitRetinaMetadata } from './retina-metadata.js';

const rules = readFileSync(
  new URL(
    './__fixtures__/retina-capture-aks-nodepool1-12345678-vmss000000-20250101120000UTC/iptables-rules.txt',
    import.meta.url,
  ),
  'utf8',
);
const sections = splitRetinaMetadata(rules)!.sections;
const listing = (table: string) => {
  const section = sections.find((s) => s.table === table)!;
  return parseIptablesListing(section.text, section.table);
};

describe('parseIptablesListing', () => {
  it('reads policies and their counters, references, and every rule row', () => {
    const filter = listing('filter');
    expect(filter.unreadLines).toEqual([]);
    expect(filter.chains.map((c) => [c.name, c.policy, c.counters, c.rules.length])).toEqual([
      ['INPUT', 'ACCEPT', { packets: 57, bytes: 4122 }, 1],
      ['FORWARD', 'ACCEPT', { packets: 0, bytes: 0 }, 2],
      ['OUTPUT', 'ACCEPT', { packets: 0, bytes: 0 }, 0],
    ]);
    expect(filter.chains[0]!.rules[0]).toEqual({
      packets: 3,
      bytes: 180,
      target: 'DROP',
      protocol: '0',
      source: '0.0.0.0/0',
      destination: '0.0.0.0/0',
      extra: 'ctstate INVALID',
      line: 3,
    });
    // A rule without a target (it only counts) leaves the column blank.
    expect(filter.chains[1]!.rules[1]).toMatchObject({
      target: '',
      source: '10.244.0.0/16',
      extra: '',
    });
  });

  it('reads user chains with their references and long target names', () => {
    const nat = listing('nat');
    expect(nat.table).toBe('nat');
    const services = nat.chains.find((c) => c.name === 'KUBE-SERVICES')!;
    expect(services).toMatchObject({ references: 2 });
    expect(services.policy).toBeUndefined();
    expect(services.rules[0]).toMatchObject({
      target: 'KUBE-SVC-ORDERS',
      protocol: '6',
      destination: '10.96.12.34',
      extra: '/* shop/orders:http cluster IP */ tcp dpt:80',
    });
    expect(nat.chains.find((c) => c.name === 'PREROUTING')!.rules[0]).toMatchObject({
      packets: 5,
      bytes: 300,
      target: 'KUBE-SERVICES',
    });
  });

  it('reads older layouts: protocol names, a blank opt column (ip6tables), wide counters', () => {
    const old = parseIptablesListing(
      [
        'Chain INPUT (policy DROP 2947 packets, 176820 bytes)',
        ' pkts bytes target     prot opt in     out     source               destination',
        '12345678901 98765432109876 ACCEPT     all      *      *       ::/0                 ::/0                 ctstate RELATED,ESTABLISHED',
        '    0     0            tcp  --  eth0   *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22',
        '    1    60 REJECT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            reject-with icmp-port-unreachable',
      ].join('\n'),
    );
    expect(old.unreadLines).toEqual([]);
    expect(old.chains[0]!.counters).toEqual({ packets: 2947, bytes: 176820 });
    expect(old.chains[0]!.rules.map((r) => [r.packets, r.target, r.protocol, r.source])).toEqual([
      [12345678901, 'ACCEPT', 'all', '::/0'],
      [0, '', 'tcp', '0.0.0.0/0'],
      [1, 'REJECT', 'tcp', '0.0.0.0/0'],
    ]);
  });

  it('lists the lines it could not read instead of throwing', () => {
    const odd = parseIptablesListing('       1  2 DROP\nChain X (1 references)\ngarbage here\n');
    expect(odd.unreadLines).toEqual([1, 3]);
    expect(odd.chains).toHaveLength(1);
  });
});
