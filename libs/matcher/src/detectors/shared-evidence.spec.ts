import { describe, expect, it } from 'vitest';
import { MatchContext } from '../context/match-context.js';
import { syntheticBundle } from '../testing/synthetic-bundle.js';
import { invalidSettingsEvidence, resetLogs } from './shared-evidence.js';

const ENVOY =
  '[2026-01-14T10:00:05.120Z] "GET /pay HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 2 - "-" "curl/8" "7f1c" "pay:8080" "10.1.0.9:8080" inbound|8080|| 127.0.0.6:41515 10.1.0.9:8080 10.1.0.5:52110 - default\n';

describe('resetLogs', () => {
  it('ties an Envoy response flag to the failure the detector found, in words', async () => {
    const context = new MatchContext(
      await syntheticBundle([{ path: 'envoy.log', content: ENVOY }]),
    );
    const [pointer] = resetLogs(context, undefined, {
      what: 'the RST at packet 11',
      timeUs: Date.UTC(2026, 0, 14, 10, 0, 5) * 1000,
    });
    expect(pointer).toMatchObject({ artifact: 'envoy.log', locator: 'line 1' });
    expect(pointer?.note).toBe(
      "Envoy UC (upstream connection terminated): the proxy's record of the RST at packet 11",
    );
  });

  it('does not tie a flag logged long before the failure', async () => {
    const context = new MatchContext(
      await syntheticBundle([{ path: 'envoy.log', content: ENVOY }]),
    );
    const [pointer] = resetLogs(context, undefined, {
      what: 'the RST at packet 11',
      timeUs: Date.UTC(2026, 0, 14, 11, 0, 0) * 1000,
    });
    expect(pointer?.note).toMatch(/^Envoy UC \(upstream connection terminated\): \[2026/);
  });
});

describe('invalidSettingsEvidence', () => {
  it('counts be_liberal=1 and an INVALID drop rule against the INVALID-skips-NAT mechanism', async () => {
    const context = new MatchContext(
      await syntheticBundle([
        { path: 'sysctl.txt', content: 'net.netfilter.nf_conntrack_tcp_be_liberal = 1\n' },
        {
          path: 'rules.txt',
          content:
            '*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n',
        },
      ]),
    );
    const sides = invalidSettingsEvidence(context).map((p) => [p.side, p.weight]);
    expect(sides).toEqual([
      ['against', 'strong'],
      ['against', 'moderate'],
    ]);
  });
});
