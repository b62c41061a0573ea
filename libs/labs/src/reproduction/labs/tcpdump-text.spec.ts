import { describe, expect, it } from 'vitest';
import {
  parseTcpdumpLine,
  parseTcpdumpText,
  resets,
  retransmissions,
  unhealthySigns,
} from './tcpdump-text.js';

const SYN =
  '1763790286.926844 IP 10.78.41.10.38064 > 10.78.41.20.8080: Flags [S], seq 112458157, win 64240, ' +
  'options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 10], length 0';
const DATA =
  '1763790287.000001 IP6 fd78::10.40000 > fd78::20.443: Flags [P.], seq 100:1308, ack 7, win 63, ' +
  'length 1208';

describe('tcpdump one-line output', () => {
  it('reads a TCP segment with its ports, flags, sequence and payload', () => {
    expect(parseTcpdumpLine(SYN)).toMatchObject({
      family: 4,
      src: '10.78.41.10',
      sport: 38064,
      dst: '10.78.41.20',
      dport: 8080,
      flags: 'S',
      seq: 112458157,
      payload: 0,
    });
    expect(parseTcpdumpLine(DATA)).toMatchObject({
      family: 6,
      src: 'fd78::10',
      sport: 40000,
      flags: 'P.',
      seq: 100,
      payload: 1208,
    });
  });

  it('keeps ICMP errors as text and skips ARP lines', () => {
    const icmp = parseTcpdumpLine(
      '1763790288.5 IP 10.78.2.1 > 10.78.2.20: ICMP 10.78.1.10 unreachable - need to frag (mtu 1280), length 556',
    );
    expect(icmp).toMatchObject({ src: '10.78.2.1', dst: '10.78.2.20' });
    expect(icmp?.icmp).toContain('need to frag (mtu 1280)');
    expect(
      parseTcpdumpLine('1763790288.6 ARP, Request who-has 10.78.2.1 tell 10.78.2.20, length 28'),
    ).toBeUndefined();
  });

  it('counts a repeated SYN or data segment as a retransmission, never a repeated pure ACK', () => {
    const ack =
      '1763790289.1 IP 10.78.41.10.38064 > 10.78.41.20.8080: Flags [.], seq 5, ack 9, win 63, length 0';
    const packets = parseTcpdumpText([SYN, SYN, DATA, DATA, ack, ack].join('\n'));
    expect(retransmissions(packets).map((p) => p.flags)).toEqual(['S', 'P.']);
    expect(resets(packets)).toEqual([]);
  });

  it('accepts the RST/ACK that refuses a SYN to a closed port, and nothing else', () => {
    const refusal =
      '1763790290.1 IP 10.78.72.20.8081 > 10.78.72.10.40000: Flags [R.], seq 0, ack 5, win 0, length 0';
    const midFlowReset =
      '1763790290.2 IP 10.78.72.20.8080 > 10.78.72.10.40002: Flags [R], seq 991, win 0, length 0';
    const packets = parseTcpdumpText([refusal, midFlowReset, SYN, SYN].join('\n'));
    expect(unhealthySigns(packets, { refusedPorts: [8081] })).toEqual([
      `reset: ${midFlowReset}`,
      `retransmission: ${SYN}`,
    ]);
    expect(unhealthySigns(parseTcpdumpText(refusal), { refusedPorts: [8081] })).toEqual([]);
  });
});
