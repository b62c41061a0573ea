import { describe, expect, it } from 'vitest';
import { directPair, routedLab } from './nat-lab-topologies.js';

describe('NAT lab topologies', () => {
  it('wires a client straight to a host on one /24, with the host sysctls', () => {
    const pair = directPair(41, { client: 'client', host: 'pod' }, { 'net.x': 1 });
    expect(pair.clientIp).toBe('10.78.41.2');
    expect(pair.hostIp).toBe('10.78.41.20');
    expect(pair.spec.namespaces).toEqual(['client', 'pod']);
    expect(pair.spec.sysctls).toEqual({ pod: { 'net.x': 1 } });
  });

  it('puts clients and servers on bridges either side of a forwarding router', () => {
    const lab = routedLab({
      clientNet: 61,
      serverNet: 62,
      clients: ['c1', 'c2'],
      servers: ['s1'],
      router: 'node',
    });
    expect(lab.clientIps).toEqual(['10.78.61.10', '10.78.61.11']);
    expect(lab.serverIps).toEqual(['10.78.62.10']);
    expect(lab.routerClientIp).toBe('10.78.61.1');
    expect(lab.spec.namespaces).toEqual(['c1', 'c2', 'node', 's1']);
    expect(lab.spec.forwarding).toEqual(['node']);
    expect(lab.spec.bridges?.map((b) => [b.name, b.addresses])).toEqual([
      ['br-c', ['10.78.61.1/24']],
      ['br-s', ['10.78.62.1/24']],
    ]);
    // Every router-side end is enslaved to the bridge of its side; names stay unique.
    const routerEnds = lab.spec.links.flatMap(({ a, b }) => [a, b]).filter((e) => e.ns === 'node');
    expect(routerEnds.map((e) => `${e.dev}@${e.master}`)).toEqual([
      'vc0@br-c',
      'vc1@br-c',
      'vs0@br-s',
    ]);
    expect(lab.spec.routes).toContainEqual({ ns: 's1', to: 'default', via: '10.78.62.1' });
  });
});
