import type { ConntrackTcpState } from '@netmortem/domain';

/**
 * One tuple while a line is being read. Numbers use -1 for "not printed" so the scanner can
 * reuse one record per parse instead of allocating per line (the events path reads millions).
 */
export class TupleDraft {
  src = '';
  dst = '';
  srcPort = -1;
  dstPort = -1;
  icmpType = -1;
  icmpCode = -1;
  icmpId = -1;
  packets = -1;
  bytes = -1;

  reset(): void {
    this.src = '';
    this.dst = '';
    this.srcPort = -1;
    this.dstPort = -1;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpId = -1;
    this.packets = -1;
    this.bytes = -1;
  }
}

export const EVENT_NONE = 0;
export const EVENT_NEW = 1;
export const EVENT_UPDATE = 2;
export const EVENT_DESTROY = 3;

/** Everything one `conntrack -L`/`-E` or /proc/net/nf_conntrack line may say. */
export class ConntrackRecord {
  timeUs = -1;
  eventType = EVENT_NONE;
  /** From `-o extended` and /proc (`ipv4 2`); otherwise inferred from the addresses. */
  family: 'ipv4' | 'ipv6' | undefined = undefined;
  protocol = '';
  protocolNumber = -1;
  timeoutSec = -1;
  tcpState: ConntrackTcpState | undefined = undefined;
  readonly original = new TupleDraft();
  readonly reply = new TupleDraft();
  tuples = 0;
  assured = false;
  unreplied = false;
  mark = -1;
  zone = -1;
  use = -1;
  id = -1;
  /** What the last failed scan could not read. */
  problem = '';

  reset(): void {
    this.timeUs = -1;
    this.eventType = EVENT_NONE;
    this.family = undefined;
    this.protocol = '';
    this.protocolNumber = -1;
    this.timeoutSec = -1;
    this.tcpState = undefined;
    this.original.reset();
    this.reply.reset();
    this.tuples = 0;
    this.assured = false;
    this.unreplied = false;
    this.mark = -1;
    this.zone = -1;
    this.use = -1;
    this.id = -1;
  }
}
