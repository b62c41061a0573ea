import { describe, expect, it } from 'vitest';
import {
  onOneLinkSpec,
  routedSpec,
  serverAddress,
  serviceDnatRules,
  statefulHostRules,
} from './healthy-lab-support.js';

describe('healthy lab support', () => {
  it('builds client — router — servers with one subnet per server', () => {
    const spec = routedSpec(10, 20, { servers: ['a', 'b'] });
    expect(spec.namespaces).toEqual(['client', 'router', 'a', 'b']);
    expect(spec.links.map((l) => l.b.addresses?.[0])).toEqual([
      '10.78.10.1/24',
      '10.78.20.20/24',
      '10.78.21.20/24',
    ]);
    expect(serverAddress(20, 1)).toBe('10.78.21.20');
    expect(spec.forwarding).toEqual(['router']);
  });

  it('puts two namespaces on one link, without sysctls unless given', () => {
    const spec = onOneLinkSpec(70, { ns: 'client', host: 10 }, { ns: 'pod', host: 20 });
    expect(spec.namespaces).toEqual(['client', 'pod']);
    expect(spec.links[0]?.a.addresses).toEqual(['10.78.70.10/24']);
    expect(spec.links[0]?.b.addresses).toEqual(['10.78.70.20/24']);
    expect(spec).not.toHaveProperty('sysctls');
    const tuned = onOneLinkSpec(71, { ns: 'a', host: 1 }, { ns: 'b', host: 2 }, { b: { x: 1 } });
    expect(tuned.sysctls).toEqual({ b: { x: 1 } });
  });

  it('leaves out the masquerade when the backends must see the client address', () => {
    const rules = serviceDnatRules('10.78.200.1', 80, ['10.78.2.20:8080'], null);
    expect(rules).not.toContain('MASQUERADE');
    expect(rules).toContain('-A LAB-SVC -p tcp -j DNAT --to-destination 10.78.2.20:8080');
    expect(rules.endsWith('COMMIT\n')).toBe(true);
  });

  it('spreads a service over backends like kube-proxy, the last rule catching the rest', () => {
    const rules = serviceDnatRules(
      '10.78.200.1',
      80,
      ['10.78.2.20:8080', '10.78.3.20:8080'],
      'eth-s0',
    );
    expect(rules).toContain(
      '--mode nth --every 2 --packet 0 -j DNAT --to-destination 10.78.2.20:8080',
    );
    expect(rules).toContain('-A LAB-SVC -p tcp -j DNAT --to-destination 10.78.3.20:8080');
    expect(rules.trim().endsWith('COMMIT')).toBe(true);
  });

  it('keeps the latent risk: conntrack rules, no INVALID drop', () => {
    const rules = statefulHostRules([8080]);
    expect(rules).toContain('--ctstate RELATED,ESTABLISHED -j ACCEPT');
    expect(rules).not.toContain('INVALID');
  });
});
