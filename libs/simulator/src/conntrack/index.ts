/**
 * Linux netfilter connection tracking, modelled from the kernel's nf_conntrack_core and
 * nf_conntrack_proto_tcp: ConntrackTable.track() per packet (lookup both ways, create, run the
 * TCP/UDP/ICMP tracker), then setReply() for NAT and confirm()/discard(); expire() for timers;
 * seed() to anchor on `conntrack -L`/`-E`. Kernel-version differences: kernel-profile.ts.
 */
export * from './settings.js';
export * from './kernel-profile.js';
export type { ConntrackRecord } from './conntrack-record.js';
export * from './conntrack-table.js';
export { TcpConnectionState, TcpDirectionState, DirFlag } from './tcp-window.js';
export * from './synthetic-packet.js';
