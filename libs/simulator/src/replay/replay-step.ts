import { formatLocator, type Packet } from '@netmortem/domain';
import { invertTuple, type CtInfo, type TcpConntrackState, type Tuple } from '../model/index.js';
import { flagsText, hostPort, isoMicros, packetText, tupleJson } from './format.js';
import type { DeliveryJson, PacketVerdict, ResponseJson } from './replay-types.js';

/** Where the host met the packet. */
export const PacketPath = { In: 0, Out: 1, Forward: 2, Duplicate: 3 } as const;
export type PacketPath = (typeof PacketPath)[keyof typeof PacketPath];
const PATH_NAMES = ['in', 'out', 'forward', 'duplicate'] as const;

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

/** The fields few packets set (INVALID, REJECT, anchors, copies, what-if): kept apart. */
class StepExtras {
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
 * One packet's verdicts in the replay's compact internal form: fields are plain values and
 * references to objects that exist anyway, so the hot loop allocates one object per packet;
 * the JSON shape is built only when someone asks for it (`toVerdict`). Fields most packets
 * leave at their default live in a second object made on first write (accessors below), so
 * the million steps of a long replay stay small.
 */
export class ReplayStep {
  path: PacketPath = PacketPath.In;
  ctinfo: CtInfo | null = null;
  stateBefore: TcpConntrackState | null = null;
  stateAfter: TcpConntrackState | null = null;
  entryId = -1;
  natKind: string | undefined = undefined;
  natRule: CitedRule | undefined = undefined;
  /** An existing binding this packet followed (its tuples no longer change once confirmed). */
  natEntry: { readonly original: Tuple; readonly reply: Tuple } | undefined = undefined;
  natReplyDirection = false;
  natSkipped: string | undefined = undefined;
  filterVerdict = 'NONE';
  filterRule: CitedRule | undefined = undefined;
  filterChain: string | undefined = undefined;
  delivery: DeliveryRecord | undefined = undefined;
  private extras: StepExtras | undefined = undefined;

  constructor(readonly packet: Packet) {}

  private more(): StepExtras {
    return (this.extras ??= new StepExtras());
  }

  get invalidReason(): string | undefined {
    return this.extras?.invalidReason;
  }
  set invalidReason(value: string | undefined) {
    if (value !== undefined || this.extras) this.more().invalidReason = value;
  }

  /** A binding made by this packet: the tuple after NAT. */
  get natTuple(): Tuple | undefined {
    return this.extras?.natTuple;
  }
  set natTuple(value: Tuple | undefined) {
    if (value !== undefined || this.extras) this.more().natTuple = value;
  }

  get natGuessed(): boolean {
    return this.extras?.natGuessed ?? false;
  }
  set natGuessed(value: boolean) {
    if (value || this.extras) this.more().natGuessed = value;
  }

  get natChosenBy(): string | undefined {
    return this.extras?.natChosenBy;
  }
  set natChosenBy(value: string | undefined) {
    if (value !== undefined || this.extras) this.more().natChosenBy = value;
  }

  get response(): PredictedResponse | undefined {
    return this.extras?.response;
  }
  set response(value: PredictedResponse | undefined) {
    if (value !== undefined || this.extras) this.more().response = value;
  }

  /** Position (in the replay's order) of the packet that answered, and whether it matched. */
  get observedAt(): number {
    return this.extras?.observedAt ?? -1;
  }
  set observedAt(value: number) {
    if (value !== -1 || this.extras) this.more().observedAt = value;
  }

  get observedMatches(): boolean {
    return this.extras?.observedMatches ?? false;
  }
  set observedMatches(value: boolean) {
    if (value || this.extras) this.more().observedMatches = value;
  }

  /** Position of the first sighting, for a packet seen again on another interface. */
  get sameAs(): number {
    return this.extras?.sameAs ?? -1;
  }
  set sameAs(value: number) {
    if (value !== -1 || this.extras) this.more().sameAs = value;
  }

  get synthetic(): string | undefined {
    return this.extras?.synthetic;
  }
  set synthetic(value: string | undefined) {
    if (value !== undefined || this.extras) this.more().synthetic = value;
  }

  get notes(): string[] | undefined {
    return this.extras?.notes;
  }
  set notes(value: string[] | undefined) {
    if (value !== undefined || this.extras) this.more().notes = value;
  }

  /** The tuple after NAT, computed when asked: most packets only follow their entry's binding. */
  get natTranslated(): Tuple | undefined {
    if (this.natTuple) return this.natTuple;
    const entry = this.natEntry;
    if (!entry) return undefined;
    return invertTuple(this.natReplyDirection ? entry.original : entry.reply);
  }

  note(text: string): void {
    const extras = this.more();
    (extras.notes ??= []).push(text);
  }

  /** Dropped by a rule, a full table or an insert clash: nothing reached a socket. */
  get dropped(): boolean {
    return this.filterVerdict === 'DROP' || this.filterVerdict === 'REJECT';
  }
}

export function citeRule(rule: CitedRule): string {
  const where =
    rule.locator.line === undefined
      ? rule.locator.artifact
      : `${rule.locator.artifact}:${rule.locator.line}`;
  return `${rule.table} ${rule.chain} #${rule.index} (${where}): ${rule.raw}`;
}

/** The JSON a person or a tool reads for one packet. */
export function toVerdict(step: ReplayStep, steps: readonly ReplayStep[]): PacketVerdict {
  const packet = step.packet;
  const nat: Record<string, unknown> = { applied: step.natKind !== undefined };
  if (step.natKind !== undefined) nat.kind = step.natKind;
  if (step.natRule) nat.rule = citeRule(step.natRule);
  const translated = step.natTranslated;
  if (translated) nat.translated = tupleJson(translated);
  if (step.natSkipped !== undefined) nat.skippedBecause = step.natSkipped;
  if (step.natGuessed) nat.guessed = true;
  if (step.natChosenBy !== undefined) nat.chosenBy = step.natChosenBy;
  const filter: Record<string, unknown> = { verdict: step.filterVerdict };
  if (step.filterRule) filter.rule = citeRule(step.filterRule);
  if (step.filterChain !== undefined) filter.chain = step.filterChain;
  const verdict: Record<string, unknown> = {
    capture: packet.locator.artifact,
    index: packet.locator.packet ?? 0,
    time: isoMicros(packet.timeUs),
    timeUs: packet.timeUs,
    path: PATH_NAMES[step.path],
    summary: packetText(packet),
    ctinfo: step.ctinfo,
    ctStateBefore: step.stateBefore,
    ctStateAfter: step.stateAfter,
    entryId: step.entryId >= 0 ? step.entryId : null,
  };
  if (step.invalidReason !== undefined) verdict.invalidReason = step.invalidReason;
  verdict.nat = nat;
  verdict.filter = filter;
  verdict.delivery = step.delivery ? deliveryJson(step.delivery) : null;
  verdict.response = step.response ? responseJson(step.response) : null;
  const observed = step.observedAt >= 0 ? steps[step.observedAt] : undefined;
  if (observed) {
    verdict.observedResponse = {
      capture: observed.packet.locator.artifact,
      index: observed.packet.locator.packet ?? 0,
      flags: flagsText(observed.packet.tcp?.flags ?? 0),
      matches: step.observedMatches,
    };
  }
  const first = step.sameAs >= 0 ? steps[step.sameAs] : undefined;
  if (first) {
    verdict.sameAs = {
      capture: first.packet.locator.artifact,
      index: first.packet.locator.packet ?? 0,
      ...(first.packet.interface === undefined ? {} : { interface: first.packet.interface }),
    };
  }
  if (step.synthetic !== undefined) verdict.synthetic = step.synthetic;
  if (step.notes) verdict.notes = step.notes;
  return verdict as unknown as PacketVerdict;
}

function deliveryJson(d: DeliveryRecord): DeliveryJson {
  return {
    socket: d.socket,
    local: hostPort(d.local.ip, d.local.port),
    ...(d.stateBefore === undefined ? {} : { stateBefore: d.stateBefore }),
    ...(d.stateAfter === undefined ? {} : { stateAfter: d.stateAfter }),
    ...(d.note === undefined ? {} : { note: d.note }),
  };
}

function responseJson(r: PredictedResponse): ResponseJson {
  return {
    kind: r.kind,
    flags: flagsText(r.flags),
    from: hostPort(r.from.ip, r.from.port),
    to: hostPort(r.to.ip, r.to.port),
    seq: r.seq,
    ack: r.ack,
    reason: r.reason,
  };
}

/** `capture.pcap#packet 12`. */
export function stepLocator(step: ReplayStep): string {
  return formatLocator({
    artifact: step.packet.locator.artifact,
    ...(step.packet.locator.packet === undefined ? {} : { packet: step.packet.locator.packet }),
  });
}
