import { describe, expect, it } from 'vitest';
import type { PacketHeaders } from './netfilter-types.js';
import { compileReject, rejectDecision } from './reject-types.js';

const packet = (extra: Partial<PacketHeaders>): PacketHeaders => ({
  family: 4,
  protocol: 6,
  src: '10.0.0.1',
  dst: '10.0.0.2',
  srcPort: 1,
  dstPort: 2,
  tcpFlags: 0x02,
  ...extra,
});

describe('REJECT', () => {
  it('defaults to port unreachable of the family', () => {
    expect(compileReject(undefined, 4)).toEqual({
      with: 'icmp-port-unreachable',
      tcpReset: false,
      icmp: [3, 3],
    });
    expect(compileReject(undefined, 6)).toEqual({
      with: 'icmp6-port-unreachable',
      tcpReset: false,
      icmp: [1, 4],
    });
  });

  it('knows the short aliases, per family', () => {
    expect(compileReject('host-prohib', 4)?.icmp).toEqual([3, 10]);
    expect(compileReject('port-unreach', 6)?.icmp).toEqual([1, 4]);
    expect(compileReject('adm-prohibited', 6)?.icmp).toEqual([1, 1]);
    expect(compileReject('icmp6-adm-prohibited', 4)).toBeUndefined();
    expect(compileReject('tcp-reset', 6)).toEqual({ with: 'tcp-reset', tcpReset: true });
  });

  it('sends a reset only for a TCP packet that is not itself a reset', () => {
    const spec = compileReject('tcp-reset', 4)!;
    expect(rejectDecision(spec, packet({})).sent).toBe(true);
    expect(rejectDecision(spec, packet({ tcpFlags: 0x14 })).sent).toBe(false);
    expect(rejectDecision(spec, packet({ protocol: 17, tcpFlags: 0 })).sent).toBe(false);
  });

  it('never answers an ICMP error with another', () => {
    const spec = compileReject('icmp-port-unreachable', 4)!;
    expect(rejectDecision(spec, packet({ protocol: 1, icmpType: 3 }))).toMatchObject({
      icmpType: 3,
      icmpCode: 3,
      sent: false,
    });
    expect(rejectDecision(spec, packet({ protocol: 1, icmpType: 8 })).sent).toBe(true);
  });
});
