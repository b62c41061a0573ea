import { TcpFlag } from '@netmortem/domain';
import type { SegmentDirection, SegmentOptions, SegmentSpec } from './segment-sequence.js';

const { FIN, SYN, RST, PSH, ACK } = TcpFlag;

/** What one side announces in its SYN, and keeps using afterwards. */
export interface SideOptions {
  /** Raw window field in its segments (SYNs are never scaled). */
  readonly window: number;
  readonly mss?: number;
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  readonly timestamps?: boolean;
}

interface SideState {
  readonly options: SideOptions;
  /** Next sequence number this side will send, relative to its ISN. */
  sndNxt: number;
  /** Highest sequence number sent (relative), for retransmissions below it. */
  tsClock: number;
  lastTsSeen: number;
}

export type SegmentOverrides = Partial<Omit<SegmentSpec, 'direction'>>;

/**
 * Builds a conversation segment by segment the way two well-behaved stacks would number it,
 * so that variants only state what they break: `data('c2s', 100)` sends at the client's next
 * sequence number and acks everything the server sent so far.
 */
export class ConversationBuilder {
  private readonly segments: SegmentSpec[] = [];
  private readonly sides: Record<SegmentDirection, SideState>;
  private pendingDelayMs = 0;

  constructor(client: SideOptions, server: SideOptions) {
    this.sides = {
      c2s: { options: client, sndNxt: 0, tsClock: 1000, lastTsSeen: 0 },
      s2c: { options: server, sndNxt: 0, tsClock: 500_000, lastTsSeen: 0 },
    };
  }

  /** Next sequence number (relative) the sender of `direction` would use. */
  nextSeq(direction: SegmentDirection): number {
    return this.sides[direction].sndNxt;
  }

  /** Waits before the next segment (adds up). */
  wait(ms: number): this {
    this.pendingDelayMs += ms;
    return this;
  }

  syn(direction: SegmentDirection, overrides: SegmentOverrides = {}): this {
    return this.push(direction, SYN, 0, overrides, true, 'SYN', 1);
  }

  synAck(direction: SegmentDirection, overrides: SegmentOverrides = {}): this {
    return this.push(direction, SYN | ACK, 0, overrides, true, 'SYN-ACK', 1);
  }

  ack(direction: SegmentDirection, overrides: SegmentOverrides = {}): this {
    return this.push(direction, ACK, 0, overrides, false, 'ACK', 0);
  }

  data(direction: SegmentDirection, length: number, overrides: SegmentOverrides = {}): this {
    return this.push(direction, PSH | ACK, length, overrides, false, `data ${length}`, length);
  }

  fin(direction: SegmentDirection, length = 0, overrides: SegmentOverrides = {}): this {
    const note = length > 0 ? `FIN with ${length} bytes` : 'FIN';
    return this.push(direction, FIN | ACK, length, overrides, false, note, length + 1);
  }

  rst(direction: SegmentDirection, overrides: SegmentOverrides = {}): this {
    return this.push(direction, RST, 0, overrides, false, 'RST', 0);
  }

  rstAck(direction: SegmentDirection, overrides: SegmentOverrides = {}): this {
    return this.push(direction, RST | ACK, 0, overrides, false, 'RST-ACK', 0);
  }

  /** Any segment; sequence numbers do not advance unless `advance` says so. */
  raw(
    direction: SegmentDirection,
    flags: number,
    overrides: SegmentOverrides = {},
    advance = 0,
  ): this {
    return this.push(direction, flags, 0, overrides, (flags & SYN) !== 0, 'crafted', advance);
  }

  /** Sends segment `index` (0-based, negative from the end) again, unchanged but for the delay. */
  retransmit(index: number, note = 'retransmission'): this {
    const at = index < 0 ? this.segments.length + index : index;
    const original = this.segments[at];
    if (original === undefined) throw new RangeError(`no segment ${index} to retransmit`);
    this.segments.push({ ...original, delayMs: this.takeDelay(), note: `${note} of #${at + 1}` });
    return this;
  }

  /** Moves a side's next sequence number (a lost segment the router never saw). */
  skip(direction: SegmentDirection, bytes: number): this {
    this.sides[direction].sndNxt += bytes;
    return this;
  }

  build(): SegmentSpec[] {
    return [...this.segments];
  }

  private push(
    direction: SegmentDirection,
    flags: number,
    payloadLength: number,
    overrides: SegmentOverrides,
    isSyn: boolean,
    note: string,
    advance: number,
  ): this {
    const me = this.sides[direction];
    const peer = this.sides[direction === 'c2s' ? 's2c' : 'c2s'];
    const withAck = ((overrides.flags ?? flags) & ACK) !== 0;
    const options = this.optionsFor(me, peer, isSyn);
    const segment: SegmentSpec = {
      direction,
      flags,
      seq: me.sndNxt,
      ack: withAck ? peer.sndNxt : 0,
      payloadLength,
      window: me.options.window,
      options,
      delayMs: this.takeDelay(),
      note,
      ...overrides,
    };
    this.segments.push(segment);
    // A segment sent at an explicit sequence number only advances when it reaches past sndNxt.
    if (overrides.seq === undefined || advance > 0)
      me.sndNxt = Math.max(me.sndNxt, segment.seq + advance);
    return this;
  }

  private optionsFor(me: SideState, peer: SideState, isSyn: boolean): SegmentOptions {
    const o = me.options;
    me.tsClock += 7;
    const timestamp = o.timestamps ? { value: me.tsClock, echo: peer.tsClock } : undefined;
    if (isSyn) {
      return {
        ...(o.mss === undefined ? {} : { mss: o.mss }),
        ...(o.windowScale === undefined ? {} : { windowScale: o.windowScale }),
        ...(o.sackPermitted ? { sackPermitted: true } : {}),
        ...(timestamp === undefined ? {} : { timestamp }),
      };
    }
    return timestamp === undefined ? {} : { timestamp };
  }

  private takeDelay(): number {
    const delay = this.pendingDelayMs;
    this.pendingDelayMs = 0;
    return delay;
  }
}

export const FLAGS = { FIN, SYN, RST, PSH, ACK } as const;
