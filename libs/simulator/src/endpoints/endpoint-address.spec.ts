import { describe, expect, it } from 'vitest';
import {
  addressFamily,
  canonicalAddress,
  connectionKey,
  formatSocketEndpoint,
  isLoopback,
  listenerScore,
} from './endpoint-address.js';

describe('canonicalAddress', () => {
  it('folds IPv4-mapped IPv6 to IPv4', () => {
    expect(canonicalAddress('::FFFF:10.88.0.2')).toBe('10.88.0.2');
    expect(addressFamily('::ffff:10.0.0.1')).toBe(4);
    expect(addressFamily('fd88::2')).toBe(6);
  });

  it('makes one key for a flow seen as mapped or plain IPv4', () => {
    const a = connectionKey(
      { address: '::ffff:10.0.0.2', port: 80 },
      { address: '10.0.0.1', port: 5 },
    );
    const b = connectionKey(
      { address: '10.0.0.2', port: 80 },
      { address: '::ffff:10.0.0.1', port: 5 },
    );
    expect(a).toBe(b);
  });

  it('knows loopback and brackets IPv6 when printing', () => {
    expect(isLoopback('127.0.0.6')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(formatSocketEndpoint({ address: 'fd00::1', port: 443 })).toBe('[fd00::1]:443');
  });
});

describe('listenerScore', () => {
  const any4 = { address: '0.0.0.0', port: 80, v6only: false };
  const any6 = { address: '::', port: 80, v6only: false };
  const only6 = { address: '::', port: 80, v6only: true };
  const exact = { address: '10.0.0.2', port: 80, v6only: false };

  it('lets a dual-stack :: listener take IPv4 peers unless v6only', () => {
    expect(listenerScore(any6, '10.0.0.2', 80)).toBeDefined();
    expect(listenerScore(only6, '10.0.0.2', 80)).toBeUndefined();
    expect(listenerScore(only6, 'fd00::2', 80)).toBeDefined();
  });

  it('keeps 0.0.0.0 to IPv4 and prefers an exact address', () => {
    expect(listenerScore(any4, 'fd00::2', 80)).toBeUndefined();
    expect(listenerScore(exact, '10.0.0.2', 80)!).toBeGreaterThan(
      listenerScore(any4, '10.0.0.2', 80)!,
    );
    expect(listenerScore(any4, '10.0.0.2', 80)!).toBeGreaterThan(
      listenerScore(any6, '10.0.0.2', 80)!,
    );
    expect(listenerScore(exact, '10.0.0.3', 80)).toBeUndefined();
    expect(listenerScore(any4, '10.0.0.2', 81)).toBeUndefined();
  });
});
