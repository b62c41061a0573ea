import { describe, expect, it } from 'vitest';
import { NameRegistry } from './name-registry.js';

const KEY = new Uint8Array(32).fill(9);

describe('NameRegistry', () => {
  it('replaces a name as a whole word, in any case, keeping the case style', () => {
    const names = new NameRegistry(KEY);
    expect(names.register('node-1', 'host')).toBe(true);
    const pseudonym = names.replaceWord('node-1');
    expect(pseudonym).toMatch(/^host-[0-9a-f]{6}$/);
    expect(names.replaceWord('NODE-1')).toBe(pseudonym!.toUpperCase());
    expect(names.replaceWord('Node-1')).toBe(pseudonym![0]!.toUpperCase() + pseudonym!.slice(1));
    expect(names.replaceWord('node')).toBeUndefined();
  });

  it('finds distinctive names inside hyphenated words, plain words only as whole words', () => {
    const names = new NameRegistry(KEY);
    names.register('aks-nodepool1-12345678-vmss000000', 'host');
    names.register('orders', 'service');
    const host = names.replaceWord('aks-nodepool1-12345678-vmss000000')!;
    expect(
      names.replaceWord('retina-capture-aks-nodepool1-12345678-vmss000000-20250101120000UTC'),
    ).toBe(`retina-capture-${host}-20250101120000UTC`);
    expect(names.replaceWord('KUBE-SVC-ORDERS')).toBeUndefined();
    expect(names.replaceWord('orders')).toMatch(/^svc-/);
  });

  it('never takes stop words, numbers or its own pseudonyms for names, unless the user names them', () => {
    const names = new NameRegistry(KEY);
    for (const word of [
      'default',
      'kube-system',
      'svc',
      'cluster',
      'tcp',
      'filter',
      '12345',
      'host-1a2b3c',
    ])
      expect(names.register(word, 'namespace')).toBe(false);
    expect(names.register('default', 'name', true)).toBe(true);
    expect(names.register('a b', 'name')).toBe(false);
  });

  it('takes no identifier with an underscore for a DNS-label name (nf_conntrack is not a namespace)', () => {
    const names = new NameRegistry(KEY);
    expect(names.register('nf_conntrack', 'namespace')).toBe(false);
    expect(names.register('net_ratelimit', 'host')).toBe(false);
    expect(names.register('payments_v2', 'cluster')).toBe(true);
  });

  it('gives the same pseudonym for the same key and name, and counts replacements by kind', () => {
    const one = new NameRegistry(KEY);
    const two = new NameRegistry(Uint8Array.from(KEY));
    one.register('checkout', 'namespace');
    two.register('checkout', 'namespace');
    expect(one.replaceWord('checkout')).toBe(two.replaceWord('checkout'));
    one.replaceWord('checkout');
    expect(one.replaced.get('namespace')).toBe(2);
    expect(one.mentionedIn('checkout')).toBe(true);
    expect(one.replaced.get('namespace')).toBe(2);
  });
});
