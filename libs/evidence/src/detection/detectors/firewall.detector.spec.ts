import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectFirewall } from './firewall.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const fixture = (path: string) =>
  sampleText(new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url))));

describe('detectFirewall: iptables-save', () => {
  it.each([
    'iptables-save/legacy-kube-proxy.txt',
    'iptables-save/nft-istio-sidecar.txt',
    'iptables-save/ip6tables-nft.txt',
    'iptables-save/nft-nat-with-counters.txt',
    'iptables-save/istio-init-sidecar.txt',
  ])('recognises the *table/COMMIT structure of %s', (path) => {
    expect(detectFirewall(fixture(path))).toMatchObject({
      kind: 'iptables-save',
      confidence: 0.98,
    });
  });

  it('still recognises a head cut before the first COMMIT', () => {
    expect(
      detectFirewall(
        sample('*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j ISTIO_INBOUND\n'),
      ),
    ).toMatchObject({
      kind: 'iptables-save',
      confidence: 0.95,
    });
  });

  it('takes the lone legacy-tables warning as iptables-save output', () => {
    expect(
      detectFirewall(fixture('iptables-save/warning-legacy-tables-present.txt')),
    ).toMatchObject({
      kind: 'iptables-save',
      confidence: 0.9,
    });
  });

  it('takes iptables -S rule specs as iptables-save, less surely', () => {
    const detection = detectFirewall(fixture('iptables-save/S-rule-specs-nat.txt'));
    expect(detection?.kind).toBe('iptables-save');
    expect(detection?.confidence).toBeLessThan(0.9);
  });
});

describe('detectFirewall: nftables', () => {
  it.each([
    'nft-ruleset/iptables-nft-translated.txt',
    'nft-ruleset/native-inet-filter-ip-nat.txt',
    'nft-ruleset/native-with-handles.txt',
    'nft-ruleset/single-table-nat.txt',
  ])('recognises the table blocks of %s', (path) => {
    expect(detectFirewall(fixture(path))).toMatchObject({ kind: 'nft-ruleset', confidence: 0.97 });
  });

  it('recognises nft -j output by its top-level key', () => {
    expect(detectFirewall(fixture('nft-ruleset/json.txt'))).toMatchObject({
      kind: 'nft-ruleset',
      confidence: 0.95,
    });
  });

  it('recognises an nft -f script', () => {
    expect(
      detectFirewall(
        sample('#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n\tchain input {\n'),
      ),
    ).toMatchObject({ kind: 'nft-ruleset' });
  });
});

describe('detectFirewall: iptables -L', () => {
  it('names the listing but calls it unknown, since rules cannot be rebuilt from it', () => {
    const detection = detectFirewall(fixture('unknown/iptables-L-nat-listing.txt'));
    expect(detection?.kind).toBe('unknown');
    expect(detection?.reason).toMatch(/iptables -L/);
  });

  it('ignores other text', () => {
    expect(detectFirewall(sample('--- a/file\n+++ b/file\n- removed line\n'))).toBeUndefined();
  });
});
