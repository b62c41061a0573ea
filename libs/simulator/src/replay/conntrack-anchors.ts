import { formatLocator, type ConntrackEntry, type ConntrackEvent } from '@netmortem/domain';
import { invertTuple, tupleKey, type Tuple } from '../model/index.js';
import { plainAddress } from './local-addresses.js';

/** A conntrack line's tuple in the simulator's form (TCP/UDP only: ports are required). */
export function anchorTuple(entry: ConntrackEntry, side: 'original' | 'reply'): Tuple | undefined {
  const t = entry[side];
  if (t.srcPort === undefined || t.dstPort === undefined) return undefined;
  return {
    protocol: entry.protocolNumber,
    src: plainAddress(t.src),
    dst: plainAddress(t.dst),
    srcPort: t.srcPort,
    dstPort: t.dstPort,
  };
}

export interface NatBindingAnchor {
  readonly reply: Tuple;
  readonly anchor: string;
  readonly timeUs?: number;
}

/**
 * What the evidence says about NAT bindings and entry lifetimes, indexed for the replay:
 * original tuple → reply tuples seen in `conntrack -L` / `-E`, and the timed events in order.
 */
export class ConntrackAnchors {
  /** Every binding seen for an original tuple (one per lifetime of the entry). */
  private readonly bindings = new Map<string, NatBindingAnchor[]>();
  /** NATed bindings by what the original direction looks like after translation. */
  private readonly byTranslated = new Map<string, (NatBindingAnchor & { original: Tuple })[]>();
  readonly timedEvents: ConntrackEvent[];

  constructor(entries: readonly ConntrackEntry[], events: readonly ConntrackEvent[]) {
    for (const entry of [...events, ...entries]) {
      const original = anchorTuple(entry, 'original');
      const reply = anchorTuple(entry, 'reply');
      if (!original || !reply) continue;
      const key = tupleKey(original);
      const list = this.bindings.get(key) ?? [];
      const time = (entry as Partial<ConntrackEvent>).timeUs;
      if (!list.some((b) => tupleKey(b.reply) === tupleKey(reply) && b.timeUs === time)) {
        list.push({
          reply,
          anchor: formatLocator(entry.locator),
          ...(time === undefined ? {} : { timeUs: time }),
        });
      }
      this.bindings.set(key, list);
      const translated = invertTuple(reply);
      if (tupleKey(translated) !== key) {
        const byTranslated = this.byTranslated.get(tupleKey(translated)) ?? [];
        byTranslated.push({
          reply,
          original,
          anchor: formatLocator(entry.locator),
          ...(time === undefined ? {} : { timeUs: time }),
        });
        this.byTranslated.set(tupleKey(translated), byTranslated);
      }
    }
    this.timedEvents = events
      .filter((event) => event.timeUs !== undefined)
      .slice()
      .sort((a, b) => (a.timeUs as number) - (b.timeUs as number));
  }

  get hasBindings(): boolean {
    return this.bindings.size > 0;
  }

  /**
   * The binding an anchor shows for this original tuple around `nowUs`: the timed one closest
   * after it (the NEW event follows the packet that created the entry), else an untimed one.
   */
  bindingFor(original: Tuple, nowUs: number): NatBindingAnchor | undefined {
    const list = this.bindings.get(tupleKey(original));
    if (!list) return undefined;
    let best: NatBindingAnchor | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const binding of list) {
      const distance =
        binding.timeUs === undefined
          ? 1e15
          : Math.abs(binding.timeUs - nowUs) + (binding.timeUs < nowUs ? 1e6 : 0);
      if (distance < bestDistance) {
        best = binding;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** The original tuple whose reply, inverted, is what a packet looks like after NAT. */
  originalForTranslated(
    translated: Tuple,
    nowUs: number,
  ): (NatBindingAnchor & { original: Tuple }) | undefined {
    const list = this.byTranslated.get(tupleKey(translated));
    if (!list) return undefined;
    let best: (NatBindingAnchor & { original: Tuple }) | undefined;
    for (const candidate of list) {
      if (candidate.timeUs !== undefined && Math.abs(candidate.timeUs - nowUs) > 10_000_000)
        continue;
      if (!best || (candidate.timeUs !== undefined && best.timeUs === undefined)) best = candidate;
    }
    return best;
  }
}
