import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUITE_SEED, FAMILIES, generateSuite } from './generate-suite.js';
import { sysctlKey } from './segment-sequence.js';

describe('generateSuite', () => {
  const suite = generateSuite();

  it('holds at least 300 sequences from every family', () => {
    expect(suite.length).toBeGreaterThanOrEqual(300);
    const families = new Set(suite.map((s) => s.family));
    expect([...families].sort()).toEqual(Object.keys(FAMILIES).sort());
  });

  it('is the same suite for the same seed and another one for another seed', () => {
    expect(generateSuite(DEFAULT_SUITE_SEED)).toEqual(suite);
    const other = generateSuite(DEFAULT_SUITE_SEED + 1);
    expect(other.map((s) => s.clientIsn)).not.toEqual(suite.map((s) => s.clientIsn));
  });

  it('gives every sequence its own id and its own four-tuple', () => {
    expect(new Set(suite.map((s) => s.id)).size).toBe(suite.length);
    const tuples = suite.map(
      (s) => `${s.client.address}:${s.client.port}>${s.server.address}:${s.server.port}`,
    );
    expect(new Set(tuples).size).toBe(suite.length);
    const clientPorts = suite.map((s) => s.client.port);
    expect(new Set(clientPorts).size).toBe(suite.length);
  });

  it('varies parameters within a family (no two sequences alike)', () => {
    const shapes = suite.map((s) =>
      JSON.stringify([
        s.clientIsn,
        s.serverIsn,
        s.segments.map((g) => [g.flags, g.seq, g.ack, g.payloadLength, g.window]),
      ]),
    );
    expect(new Set(shapes).size).toBe(suite.length);
  });

  it('keeps segments well-formed: 16-bit windows, TCP flags only, non-negative delays', () => {
    for (const sequence of suite) {
      expect(sequence.segments.length).toBeGreaterThan(0);
      for (const segment of sequence.segments) {
        expect(segment.window).toBeGreaterThanOrEqual(0);
        expect(segment.window).toBeLessThanOrEqual(0xffff);
        expect(segment.flags & ~0xff).toBe(0);
        expect(segment.delayMs).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(segment.seq) && Number.isInteger(segment.ack)).toBe(true);
      }
    }
  });

  it('covers the settings the issue names and keeps the batches few', () => {
    const keys = new Set(suite.map((s) => sysctlKey(s.sysctls)));
    expect(keys.size).toBeLessThanOrEqual(10);
    const all = suite.map((s) => sysctlKey(s.sysctls)).join(' ');
    for (const name of [
      'be_liberal=1',
      'loose=0',
      'ignore_invalid_rst=1',
      'max_retrans=1',
      'timeout_time_wait=2',
    ])
      expect(all).toContain(name);
  });

  it('opens most conversations with a SYN, but not the mid-stream ones', () => {
    for (const sequence of suite) {
      const first = sequence.segments[0];
      if (sequence.family === 'mid-stream' || sequence.id.startsWith('nat/dnat-reply-tuple-taken'))
        expect((first?.flags ?? 0) & TcpFlag.SYN).toBe(0);
      else expect((first?.flags ?? 0) & TcpFlag.SYN).toBe(TcpFlag.SYN);
    }
  });

  it('gives NAT sequences their rules, allowed destinations and answering backends', () => {
    const nat = suite.filter((s) => s.family === 'nat');
    expect(nat.length).toBeGreaterThan(0);
    for (const sequence of nat) {
      expect(sequence.nat?.rules.length).toBeGreaterThan(0);
      for (const rule of sequence.nat?.rules ?? [])
        expect(rule).toContain(`--dport ${sequence.server.port}`);
      for (const segment of sequence.segments.filter((g) => g.direction === 's2c'))
        expect(sequence.nat?.allowed.map((a) => a.address)).toContain(segment.replySource?.address);
    }
  });

  it('gives NOTRACK sequences raw-table rules aimed at their own flow', () => {
    const notrack = suite.filter((s) => s.family === 'notrack');
    expect(notrack.length).toBeGreaterThan(0);
    for (const sequence of notrack) {
      expect(sequence.rawRules?.length).toBeGreaterThan(0);
      expect(sequence.rawRules?.join(' ')).toContain(`--sport ${sequence.client.port}`);
    }
  });
});
