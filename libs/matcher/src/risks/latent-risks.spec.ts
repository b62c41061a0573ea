import { describe, expect, it } from 'vitest';
import { MatchContext } from '../context/match-context.js';
import { syntheticBundle } from '../testing/synthetic-bundle.js';
import { latentRisks } from './latent-risks.js';

const RULES = `*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.2.0.7:8080
-A POSTROUTING -s 10.1.0.0/16 -j MASQUERADE
COMMIT
`;

describe('latentRisks', () => {
  it('finds the preconditions of catalogued causes in settings and rules', async () => {
    const context = new MatchContext(
      await syntheticBundle([
        { path: 'rules.txt', content: RULES },
        {
          path: 'sysctl.txt',
          content: [
            'net.netfilter.nf_conntrack_tcp_be_liberal = 0',
            'net.netfilter.nf_conntrack_tcp_timeout_established = 3600',
            'net.ipv4.tcp_keepalive_time = 7200',
            'net.netfilter.nf_conntrack_max = 1000',
            'net.netfilter.nf_conntrack_count = 950',
            '',
          ].join('\n'),
        },
      ]),
    );
    expect(
      latentRisks(context)
        .map((r) => r.id)
        .sort(),
    ).toEqual([
      'conntrack-near-max',
      'invalid-not-dropped',
      'keepalive-longer-than-conntrack',
      'snat-not-fully-random',
    ]);
  });

  it('says nothing when the fixes are in place', async () => {
    const context = new MatchContext(
      await syntheticBundle([
        {
          path: 'rules.txt',
          content: RULES.replace('-j MASQUERADE', '-j MASQUERADE --random-fully').replace(
            'COMMIT',
            'COMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m conntrack --ctstate INVALID -j DROP',
          ),
        },
        {
          path: 'sysctl.txt',
          content:
            'net.ipv4.tcp_keepalive_time = 300\nnet.netfilter.nf_conntrack_tcp_timeout_established = 3600\n',
        },
      ]),
    );
    expect(latentRisks(context)).toEqual([]);
  });
});
