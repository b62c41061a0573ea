import type { Packet } from '@netmortem/domain';
import {
  CT_INFOS,
  TCP_CONNTRACK_STATES,
  type CtInfo,
  type TcpConntrackState,
  type Tuple,
} from '../model/index.js';

/** Where the host met the packet. */
export const PacketPath = { In: 0, Out: 1, Forward: 2, Duplicate: 3 } as const;
export type PacketPath = (typeof PacketPath)[keyof typeof PacketPath];

/** A rule as the replay cites it (the evaluator's RuleRef, structurally). */
export interface CitedRule {
  readonly table: string;
  readonly chain: string;
  readonly index: number;
  readonly raw: string;
  readonly locator: { readonly artifact: string; readonly line?: number };
}

/** The answer the model predicts: a socket's segment or a REJECT's reset/ICMP error. */
export interface PredictedResponse {
  readonly kind: string;
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly reason: string;
  /** Sender and receiver as the answering socket sees them (after NAT). */
  readonly from: { readonly ip: string; readonly port: number };
  readonly to: { readonly ip: string; readonly port: number };
}

export interface DeliveryRecord {
  readonly socket: string;
  readonly local: { readonly ip: string; readonly port: number };
  readonly stateBefore?: string;
  readonly stateAfter?: string;
  readonly note?: string;
}

/** An existing binding a packet followed (its tuples no longer change once confirmed). */
export interface FollowedBinding {
  readonly original: Tuple;
  readonly reply: Tuple;
}

/** The fields few packets set (INVALID, REJECT, anchors, copies, what-if): kept apart. */
export class StepExtras {
  invalidReason: string | undefined = undefined;
  natTuple: Tuple | undefined = undefined;
  natGuessed = false;
  natChosenBy: string | undefined = undefined;
  response: PredictedResponse | undefined = undefined;
  observedAt = -1;
  observedMatches = false;
  sameAs = -1;
  synthetic: string | undefined = undefined;
  notes: string[] | undefined = undefined;
}

/**
 * Values from a small set (verdicts, chain names, NAT kinds, rules), stored as 32-bit codes:
 * one table of values per column, code 0 for undefined. Writes repeat the same few values, so
 * the last one is remembered and most writes do not look anything up.
 */
export class CodedColumn<T> {
  readonly codes: Uint32Array;
  private readonly values: (T | undefined)[] = [undefined];
  private readonly ids = new Map<T, number>();
  private lastValue: T | undefined = undefined;
  private lastCode = 0;

  constructor(length: number, initial?: T) {
    this.codes = new Uint32Array(length);
    if (initial !== undefined) this.codes.fill(this.code(initial));
  }

  get(index: number): T | undefined {
    return this.values[this.codes[index] as number];
  }

  set(index: number, value: T | undefined): void {
    this.codes[index] = value === this.lastValue ? this.lastCode : this.code(value);
  }

  private code(value: T | undefined): number {
    let code = 0;
    if (value !== undefined) {
      const known = this.ids.get(value);
      if (known === undefined) {
        code = this.values.length;
        this.values.push(value);
        this.ids.set(value, code);
      } else code = known;
    }
    this.lastValue = value;
    this.lastCode = code;
    return code;
  }
}

/**
 * ctinfo as a byte: 0 for none, else 1 + its place in CT_INFOS. A switch on the names (the
 * same interned constants every time) costs a few pointer compares, a keyed lookup more.
 */
export function ctinfoCode(value: CtInfo | null): number {
  switch (value) {
    case null:
      return 0;
    case 'NEW':
      return 1;
    case 'ESTABLISHED':
      return 2;
    case 'RELATED':
      return 3;
    case 'INVALID':
      return 4;
    case 'UNTRACKED':
      return 5;
  }
}
export function ctinfoOf(code: number): CtInfo | null {
  return code === 0 ? null : (CT_INFOS[code - 1] as CtInfo);
}
/** A TCP conntrack state as a byte: 0 for none, else 1 + its place in TCP_CONNTRACK_STATES. */
export function stateCode(value: TcpConntrackState | null): number {
  switch (value) {
    case null:
      return 0;
    case 'NONE':
      return 1;
    case 'SYN_SENT':
      return 2;
    case 'SYN_RECV':
      return 3;
    case 'ESTABLISHED':
      return 4;
    case 'FIN_WAIT':
      return 5;
    case 'CLOSE_WAIT':
      return 6;
    case 'LAST_ACK':
      return 7;
    case 'TIME_WAIT':
      return 8;
    case 'CLOSE':
      return 9;
    case 'SYN_SENT2':
      return 10;
  }
}
export function stateOf(code: number): TcpConntrackState | null {
  return code === 0 ? null : (TCP_CONNTRACK_STATES[code - 1] as TcpConntrackState);
}

/**
 * Every packet's verdicts in columns: bytes and 32-bit codes in typed arrays, references in
 * plain arrays, rare fields in a map by position. A replay of a million packets keeps a few
 * dozen megabytes of flat arrays instead of a million objects the garbage collector copies
 * and walks; ReplayStep is the view that reads and writes one row.
 */
export class StepStore {
  readonly length: number;
  readonly path: Uint8Array;
  readonly ctinfo: Uint8Array;
  readonly stateBefore: Uint8Array;
  readonly stateAfter: Uint8Array;
  readonly entryId: Int32Array;
  readonly natReplyDirection: Uint8Array;
  readonly natKind: CodedColumn<string>;
  readonly natSkipped: CodedColumn<string>;
  readonly natRule: CodedColumn<CitedRule>;
  readonly filterVerdict: CodedColumn<string>;
  readonly filterRule: CodedColumn<CitedRule>;
  readonly filterChain: CodedColumn<string>;
  readonly natEntry: (FollowedBinding | undefined)[];
  readonly delivery: (DeliveryRecord | undefined)[];
  readonly extras = new Map<number, StepExtras>();

  constructor(readonly packets: readonly Packet[]) {
    const n = packets.length;
    this.length = n;
    this.path = new Uint8Array(n);
    this.ctinfo = new Uint8Array(n);
    this.stateBefore = new Uint8Array(n);
    this.stateAfter = new Uint8Array(n);
    this.entryId = new Int32Array(n).fill(-1);
    this.natReplyDirection = new Uint8Array(n);
    this.natKind = new CodedColumn(n);
    this.natSkipped = new CodedColumn(n);
    this.natRule = new CodedColumn(n);
    this.filterVerdict = new CodedColumn(n, 'NONE');
    this.filterRule = new CodedColumn(n);
    this.filterChain = new CodedColumn(n);
    this.natEntry = new Array<FollowedBinding | undefined>(n).fill(undefined);
    this.delivery = new Array<DeliveryRecord | undefined>(n).fill(undefined);
  }

  extrasOf(index: number): StepExtras | undefined {
    return this.extras.get(index);
  }

  moreOf(index: number): StepExtras {
    let extras = this.extras.get(index);
    if (extras === undefined) {
      extras = new StepExtras();
      this.extras.set(index, extras);
    }
    return extras;
  }
}
