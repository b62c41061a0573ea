import { describe, expect, it } from 'vitest';
import { parseIptablesRule } from './iptables-rule.parser.js';
import { tokenizeRule } from './iptables-rule.tokenizer.js';

const parse = (line: string) => parseIptablesRule(tokenizeRule(line).tokens);

describe(tokenizeRule.name, () => {
  it('groups quoted words, unescapes, and flags an open quote', () => {
    expect(
      tokenizeRule('-m comment --comment "ssh \\"quoted\\" text" -j ACCEPT').tokens.map(
        (t) => t.text,
      ),
    ).toEqual(['-m', 'comment', '--comment', 'ssh "quoted" text', '-j', 'ACCEPT']);
    expect(tokenizeRule("--log-prefix '-> x'").tokens[1]).toEqual({ text: '-> x', quoted: true });
    expect(tokenizeRule('--comment "cut').unterminatedQuote).toBe(true);
  });
});

describe(parseIptablesRule.name, () => {
  it('splits a module whose options are negated one by one', () => {
    const rule = parse(
      '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp --sport 1024:65535 ! --dport 15008 -j ISTIO_IN_REDIRECT',
    );
    expect(rule.chain).toBe('ISTIO_OUTPUT');
    expect(rule.matches).toEqual([
      { module: 'ip', negated: false, options: { 'out-interface': 'lo', protocol: 'tcp' } },
      { module: 'ip', negated: true, options: { destination: '127.0.0.1/32' } },
      { module: 'tcp', negated: false, options: { sport: '1024:65535' } },
      { module: 'tcp', negated: true, options: { dport: '15008' } },
    ]);
    expect(rule.target).toEqual({ name: 'ISTIO_IN_REDIRECT', goto: false, options: {} });
  });

  it('reads two-word options, flags without values and target options', () => {
    const rule = parse(
      '[3:180] -A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m physdev --physdev-is-bridged -j LOG --log-prefix "x: " --log-tcp-sequence',
    );
    expect(rule.counters).toEqual({ packets: 3, bytes: 180 });
    expect(rule.matches[1]).toEqual({
      module: 'tcp',
      negated: false,
      options: { 'tcp-flags': 'FIN,SYN,RST,ACK SYN' },
    });
    expect(rule.matches[2]).toEqual({
      module: 'physdev',
      negated: false,
      options: { 'physdev-is-bridged': '' },
    });
    expect(rule.target?.options).toEqual({ 'log-prefix': 'x: ', 'log-tcp-sequence': '' });
  });

  it('takes implicit protocol matches, old-style bangs and -c counters', () => {
    const rule = parse('-I INPUT 3 -p udp --dport ! 53 -c 10 20 -g OTHER');
    expect(rule.matches).toEqual([
      { module: 'ip', negated: false, options: { protocol: 'udp' } },
      { module: 'udp', negated: true, options: { dport: '53' } },
    ]);
    expect(rule.counters).toEqual({ packets: 10, bytes: 20 });
    expect(rule.target).toEqual({ name: 'OTHER', goto: true, options: {} });
  });

  it('keeps what it can of a rule with stray words, and says so', () => {
    const rule = parse('-A INPUT stray -s 10.0.0.0/8 !');
    expect(rule.matches).toEqual([
      { module: 'ip', negated: false, options: { source: '10.0.0.0/8' } },
    ]);
    expect(rule.problems).toEqual(['unexpected "stray"', '"!" at the end of the rule']);
  });
});
