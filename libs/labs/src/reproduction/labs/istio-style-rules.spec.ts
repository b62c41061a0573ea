import { describe, expect, it } from 'vitest';
import { inboundCaptureRules, outboundCaptureRules } from './istio-style-rules.js';

describe('istio-style capture rules', () => {
  it('redirects outbound TCP to the proxy, except the proxy uid and loopback', () => {
    const rules = outboundCaptureRules({ proxyPort: 15001, proxyUid: 1337 });
    expect(rules).toContain('-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN');
    expect(rules).toContain('-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN');
    expect(rules).toContain('-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001');
    expect(rules).not.toContain('INVALID');
    expect(rules.split('\n').filter((line) => line === 'COMMIT')).toHaveLength(1);
  });

  it('adds the INVALID drop in the filter table on request', () => {
    const rules = outboundCaptureRules({ proxyPort: 15001, proxyUid: 1337, dropInvalid: true });
    expect(rules).toMatch(
      /\*filter\n(?:.*\n)*-A OUTPUT -p tcp -m conntrack --ctstate INVALID -j DROP\nCOMMIT$/,
    );
  });

  it('redirects inbound TCP to the listed app ports only', () => {
    const rules = inboundCaptureRules({ proxyPort: 15006, appPorts: [8080, 9090] });
    expect(rules).toContain('-A ISTIO_INBOUND -p tcp --dport 8080 -j ISTIO_IN_REDIRECT');
    expect(rules).toContain('-A ISTIO_INBOUND -p tcp --dport 9090 -j ISTIO_IN_REDIRECT');
    expect(rules).toContain('-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006');
  });

  it('without app ports, captures every inbound TCP port after the exempt ones return', () => {
    const lines = inboundCaptureRules({ proxyPort: 15006, exemptPorts: [15008, 15020] }).split(
      '\n',
    );
    const inbound = lines.filter((line) => line.startsWith('-A ISTIO_INBOUND'));
    expect(inbound).toEqual([
      '-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN',
      '-A ISTIO_INBOUND -p tcp --dport 15020 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT',
    ]);
  });
});
