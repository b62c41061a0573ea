import { formatLocator, type Packet } from '@netmortem/domain';
import { invertTuple, type CtInfo, type TcpConntrackState, type Tuple } from '../model/index.js';
import { flagsText, hostPort, isoMicros, packetText, tupleJson } from './format.js';
import type { DeliveryJson, PacketVerdict, ResponseJson } from './replay-types.js';
import {
  ctinfoCode,
  ctinfoOf,
  type PacketPath,
  stateCode,
  stateOf,
  StepStore,
  type CitedRule,
  type DeliveryRecord,
  type FollowedBinding,
  type PredictedResponse,
  type StepExtras,
} from './step-store.js';

export {
  PacketPath,
  StepStore,
  type CitedRule,
  type DeliveryRecord,
  type PredictedResponse,
} from './step-store.js';

const PATH_NAMES = ['in', 'out', 'forward', 'duplicate'] as const;

/** Steps by position: a replay's StepStore (through ReplaySteps) or a plain array of steps. */
export interface StepList {
  readonly length: number;
  at(position: number): ReplayStep | undefined;
  [Symbol.iterator](): Iterator<ReplayStep>;
}

/**
 * One packet's verdicts in the replay's compact internal form: a view of one row of a
 * StepStore (columns of typed arrays), so a long replay keeps no object per packet; the JSON
 * shape is built only when someone asks for it (`toVerdict`). `new ReplayStep(packet)` makes
 * a step with a store of its own (tests, single packets).
 */
export class ReplayStep {
  private readonly store: StepStore;
  private readonly row: number;

  constructor(packetOrStore: Packet | StepStore, row = 0) {
    if (packetOrStore instanceof StepStore) {
      this.store = packetOrStore;
      this.row = row;
    } else {
      this.store = new StepStore([packetOrStore]);
      this.row = 0;
    }
  }

  get packet(): Packet {
    return this.store.packets[this.row] as Packet;
  }

  get path(): PacketPath {
    return this.store.path[this.row] as PacketPath;
  }
  set path(value: PacketPath) {
    this.store.path[this.row] = value;
  }

  get ctinfo(): CtInfo | null {
    return ctinfoOf(this.store.ctinfo[this.row] as number);
  }
  set ctinfo(value: CtInfo | null) {
    this.store.ctinfo[this.row] = ctinfoCode(value);
  }

  get stateBefore(): TcpConntrackState | null {
    return stateOf(this.store.stateBefore[this.row] as number);
  }
  set stateBefore(value: TcpConntrackState | null) {
    this.store.stateBefore[this.row] = stateCode(value);
  }

  get stateAfter(): TcpConntrackState | null {
    return stateOf(this.store.stateAfter[this.row] as number);
  }
  set stateAfter(value: TcpConntrackState | null) {
    this.store.stateAfter[this.row] = stateCode(value);
  }

  get entryId(): number {
    return this.store.entryId[this.row] as number;
  }
  set entryId(value: number) {
    this.store.entryId[this.row] = value;
  }

  get natKind(): string | undefined {
    return this.store.natKind.get(this.row);
  }
  set natKind(value: string | undefined) {
    this.store.natKind.set(this.row, value);
  }

  get natRule(): CitedRule | undefined {
    return this.store.natRule.get(this.row);
  }
  set natRule(value: CitedRule | undefined) {
    this.store.natRule.set(this.row, value);
  }

  /** An existing binding this packet followed (its tuples no longer change once confirmed). */
  get natEntry(): FollowedBinding | undefined {
    return this.store.natEntry[this.row];
  }
  set natEntry(value: FollowedBinding | undefined) {
    this.store.natEntry[this.row] = value;
  }

  get natReplyDirection(): boolean {
    return this.store.natReplyDirection[this.row] === 1;
  }
  set natReplyDirection(value: boolean) {
    this.store.natReplyDirection[this.row] = value ? 1 : 0;
  }

  get natSkipped(): string | undefined {
    return this.store.natSkipped.get(this.row);
  }
  set natSkipped(value: string | undefined) {
    this.store.natSkipped.set(this.row, value);
  }

  get filterVerdict(): string {
    return this.store.filterVerdict.get(this.row) ?? 'NONE';
  }
  set filterVerdict(value: string) {
    this.store.filterVerdict.set(this.row, value);
  }

  get filterRule(): CitedRule | undefined {
    return this.store.filterRule.get(this.row);
  }
  set filterRule(value: CitedRule | undefined) {
    this.store.filterRule.set(this.row, value);
  }

  get filterChain(): string | undefined {
    return this.store.filterChain.get(this.row);
  }
  set filterChain(value: string | undefined) {
    this.store.filterChain.set(this.row, value);
  }

  get delivery(): DeliveryRecord | undefined {
    return this.store.delivery[this.row];
  }
  set delivery(value: DeliveryRecord | undefined) {
    this.store.delivery[this.row] = value;
  }

  private get extras(): StepExtras | undefined {
    return this.store.extrasOf(this.row);
  }

  private more(): StepExtras {
    return this.store.moreOf(this.row);
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
    const verdict = this.filterVerdict;
    return verdict === 'DROP' || verdict === 'REJECT';
  }
}

/** A StepStore's rows as steps: views made on demand (each a small object, nothing copied). */
export class ReplaySteps implements StepList {
  constructor(readonly store: StepStore) {}

  get length(): number {
    return this.store.length;
  }

  at(position: number): ReplayStep | undefined {
    const row = position < 0 ? position + this.store.length : position;
    return row >= 0 && row < this.store.length ? new ReplayStep(this.store, row) : undefined;
  }

  *[Symbol.iterator](): Iterator<ReplayStep> {
    for (let row = 0; row < this.store.length; row++) yield new ReplayStep(this.store, row);
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
export function toVerdict(step: ReplayStep, steps: StepList): PacketVerdict {
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
  const observed = step.observedAt >= 0 ? steps.at(step.observedAt) : undefined;
  if (observed) {
    verdict.observedResponse = {
      capture: observed.packet.locator.artifact,
      index: observed.packet.locator.packet ?? 0,
      flags: flagsText(observed.packet.tcp?.flags ?? 0),
      matches: step.observedMatches,
    };
  }
  const first = step.sameAs >= 0 ? steps.at(step.sameAs) : undefined;
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
