import { describe, expect, it } from 'vitest';
import { parseIpAddress } from './ip-address.js';
import type { EvaluationEnvironment } from './netfilter-types.js';
import { AddressCache, createPacketContext, LocalAddressIndex } from './packet-context.js';

describe('LocalAddressIndex', () => {
  it('compares addresses, not spellings, and follows a growing set', () => {
    const addresses = new Set(['fd77:0:0::1']);
    const env: EvaluationEnvironment = { localAddresses: addresses, random: () => 0 };
    const index = new LocalAddressIndex(env, new AddressCache());
    expect(index.has(parseIpAddress('fd77::1'))).toBe(true);
    expect(index.has(parseIpAddress('10.0.0.9'))).toBe(false);
    addresses.add('10.0.0.9');
    expect(index.has(parseIpAddress('10.0.0.9'))).toBe(true);
    expect(index.has(parseIpAddress('127.0.0.53'))).toBe(true);
    expect(index.has(parseIpAddress('::1'))).toBe(true);
  });
});

describe('createPacketContext', () => {
  const env: EvaluationEnvironment = { localAddresses: new Set(), random: () => 0 };
  const cache = new AddressCache();
  const reply = {
    family: 4 as const,
    protocol: 6,
    src: '10.244.1.5',
    dst: '10.244.0.7',
    srcPort: 8080,
    dstPort: 40000,
    tcpFlags: 0x12,
  };

  it('without tuples from the caller, a reply packet shows the original direction inverted', () => {
    const ctx = createPacketContext(
      reply,
      {
        ctinfo: 'ESTABLISHED',
        direction: 'reply',
        assured: false,
        seenReply: true,
        dnat: false,
        snat: false,
        mark: 7,
      },
      'PREROUTING',
      env,
      cache,
      new LocalAddressIndex(env, cache),
    );
    expect(ctx.originalTuple()).toEqual({
      protocol: 6,
      src: '10.244.0.7',
      dst: '10.244.1.5',
      srcPort: 40000,
      dstPort: 8080,
    });
    expect(ctx.replyTuple()?.src).toBe('10.244.1.5');
    expect(ctx.tupleAddress('origdst')).toEqual(parseIpAddress('10.244.1.5'));
    expect(ctx.ctmark).toBe(7);
  });

  it('the caller’s tuples win; INVALID packets have none', () => {
    const original = {
      protocol: 6,
      src: '10.244.0.7',
      dst: '10.96.0.20',
      srcPort: 40000,
      dstPort: 80,
    };
    const ctx = createPacketContext(
      reply,
      {
        ctinfo: 'ESTABLISHED',
        direction: 'reply',
        assured: false,
        seenReply: true,
        dnat: true,
        snat: false,
        mark: 0,
        original,
      },
      'PREROUTING',
      env,
      cache,
      new LocalAddressIndex(env, cache),
    );
    expect(ctx.tupleAddress('origdst')).toEqual(parseIpAddress('10.96.0.20'));
    expect(ctx.tupleAddress('replsrc')).toEqual(parseIpAddress('10.96.0.20'));
    const invalid = createPacketContext(
      reply,
      { ctinfo: 'INVALID', assured: false, seenReply: false, dnat: false, snat: false, mark: 0 },
      'PREROUTING',
      env,
      cache,
      new LocalAddressIndex(env, cache),
    );
    expect(invalid.originalTuple()).toBeUndefined();
    expect(invalid.replyTuple()).toBeUndefined();
  });
});
