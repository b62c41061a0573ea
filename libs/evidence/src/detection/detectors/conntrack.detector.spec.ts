import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectConntrack } from './conntrack.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const fixture = (path: string) =>
  sampleText(new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url))));

describe('detectConntrack', () => {
  it.each([
    ['conntrack-table/L-server-redirect.txt', 'conntrack-table'],
    ['conntrack-table/L-extended-with-summary.txt', 'conntrack-table'],
    ['conntrack-table/proc-nf_conntrack-server.txt', 'conntrack-table'],
    ['conntrack-events/E.txt', 'conntrack-events'],
    ['conntrack-events/E-timestamp.txt', 'conntrack-events'],
    ['conntrack-events/E-extended-timestamp.txt', 'conntrack-events'],
    ['conntrack-events/conntrack-1.4.4-timestamp-destroy-without-timeout.txt', 'conntrack-events'],
    ['conntrack-stats/S.txt', 'conntrack-stats'],
    ['conntrack-stats/conntrack-1.4.4-S-table-full.txt', 'conntrack-stats'],
    ['conntrack-stats/proc-net-stat-nf_conntrack.txt', 'conntrack-stats'],
  ])('%s is %s, structurally', (path, kind) => {
    const detection = detectConntrack(fixture(path));
    expect(detection?.kind).toBe(kind);
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads the /proc layout with its layer-3 prefix and zero-padded IPv6 addresses', () => {
    const line =
      'ipv6     10 tcp      6 108 TIME_WAIT src=fd77:0000:0000:0000:0000:0000:0000:0001 dst=fd77:0000:0000:0000:0000:0000:0000:0002 sport=41116 dport=8080 src=fd77:0000:0000:0000:0000:0000:0000:0002 dst=fd77:0000:0000:0000:0000:0000:0000:0001 sport=8080 dport=41116 [ASSURED] mark=0 zone=0 use=2\n';
    expect(detectConntrack(sample(line))?.kind).toBe('conntrack-table');
  });

  it('reads events with the timestamp padded by spaces instead of a tab', () => {
    const line =
      '[1700000000.123456]    [NEW] tcp      6 120 SYN_SENT src=10.0.0.5 dst=10.0.0.6 sport=40000 dport=5432 [UNREPLIED] src=10.0.0.6 dst=10.0.0.5 sport=5432 dport=40000\n';
    expect(detectConntrack(sample(line))?.kind).toBe('conntrack-events');
  });

  it('reads udp and icmp entries, which have no state column', () => {
    const lines = [
      'udp      17 21 src=10.77.0.1 dst=10.77.0.2 sport=51521 dport=53 [UNREPLIED] src=10.77.0.2 dst=10.77.0.1 sport=53 dport=51521 mark=0 use=1',
      'icmp     1 29 src=10.77.0.1 dst=10.77.0.2 type=8 code=0 id=7 src=10.77.0.2 dst=10.77.0.1 type=0 code=0 id=7 mark=0 use=1',
    ];
    expect(detectConntrack(sample(`${lines.join('\n')}\n`))).toMatchObject({
      kind: 'conntrack-table',
    });
  });

  it('tells an empty table from an empty event stream by the closing line', () => {
    expect(
      detectConntrack(
        sample('conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n'),
      )?.kind,
    ).toBe('conntrack-table');
    expect(
      detectConntrack(
        sample('conntrack v1.4.7 (conntrack-tools): 0 flow events have been shown.\n'),
      )?.kind,
    ).toBe('conntrack-events');
  });

  it('gives only a weak hint for a tuple pasted among other lines', () => {
    const text = `${'2026-01-14 10:21:07 INFO nothing to see\n'.repeat(9)}tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 use=1\n`;
    expect(detectConntrack(sample(text))?.confidence).toBeLessThan(0.6);
  });

  it('ignores other key=value text', () => {
    expect(detectConntrack(sample('level=info msg="src=a dst=b"\n'))).toBeUndefined();
    expect(detectConntrack(sample('16\n'))).toBeUndefined();
  });
});
