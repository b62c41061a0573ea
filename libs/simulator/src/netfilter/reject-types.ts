import type { PacketHeaders, RejectDecision } from './netfilter-types.js';

/** What REJECT sends for each --reject-with, per family (names and iptables' short aliases). */
const IPV4: Readonly<Record<string, readonly [number, number]>> = {
  'icmp-net-unreachable': [3, 0], 'net-unreach': [3, 0],
  'icmp-host-unreachable': [3, 1], 'host-unreach': [3, 1],
  'icmp-proto-unreachable': [3, 2], 'proto-unreach': [3, 2],
  'icmp-port-unreachable': [3, 3], 'port-unreach': [3, 3],
  'icmp-net-prohibited': [3, 9], 'net-prohib': [3, 9],
  'icmp-host-prohibited': [3, 10], 'host-prohib': [3, 10],
  'icmp-admin-prohibited': [3, 13], 'admin-prohib': [3, 13],
}; // prettier-ignore

const IPV6: Readonly<Record<string, readonly [number, number]>> = {
  'icmp6-no-route': [1, 0], 'no-route': [1, 0],
  'icmp6-adm-prohibited': [1, 1], 'adm-prohibited': [1, 1],
  'icmp6-addr-unreachable': [1, 3], 'addr-unreach': [1, 3],
  'icmp6-port-unreachable': [1, 4], 'port-unreach': [1, 4],
  'icmp6-policy-fail': [1, 5], 'policy-fail': [1, 5],
  'icmp6-reject-route': [1, 6], 'reject-route': [1, 6],
}; // prettier-ignore

export const DEFAULT_REJECT_WITH: Readonly<Record<4 | 6, string>> = {
  4: 'icmp-port-unreachable',
  6: 'icmp6-port-unreachable',
};

/** A REJECT target as compiled: the family decides the ICMP numbers. */
export interface RejectSpec {
  readonly with: string;
  readonly tcpReset: boolean;
  readonly icmp?: readonly [number, number];
}

/** Undefined when the name is not a reject type of that family. */
export function compileReject(
  rejectWith: string | undefined,
  family: 4 | 6,
): RejectSpec | undefined {
  const name = rejectWith ?? DEFAULT_REJECT_WITH[family];
  if (name === 'tcp-reset' || name === 'tcp-rst') return { with: name, tcpReset: true };
  const icmp = (family === 4 ? IPV4 : IPV6)[name];
  return icmp ? { with: name, tcpReset: false, icmp } : undefined;
}

const TCP_RST = 0x04;
/** ICMP types that report errors: the kernel never answers them with another error. */
const ICMP4_ERRORS = new Set([3, 4, 5, 11, 12]);
const ICMP6_ERRORS = new Set([1, 2, 3, 4]);

export function rejectDecision(spec: RejectSpec, packet: PacketHeaders): RejectDecision {
  if (spec.tcpReset) {
    // No reset for a non-TCP packet or for a RST; the packet is dropped all the same.
    const sent = packet.protocol === 6 && (packet.tcpFlags & TCP_RST) === 0 && !packet.fragment;
    return { with: spec.with, tcpReset: true, sent };
  }
  const [icmpType, icmpCode] = spec.icmp ?? [0, 0];
  const errors = packet.family === 4 ? ICMP4_ERRORS : ICMP6_ERRORS;
  const isIcmp = packet.protocol === (packet.family === 4 ? 1 : 58);
  const aboutError = isIcmp && packet.icmpType !== undefined && errors.has(packet.icmpType);
  return { with: spec.with, icmpType, icmpCode, sent: !aboutError && !packet.fragment };
}
