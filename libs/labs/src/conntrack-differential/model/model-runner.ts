import type { Packet, Ruleset } from '@netmortem/domain';
import {
  ConntrackTable,
  conntrackSettingsFromSysctls,
  RulesetEvaluator,
  type CtDirection,
  type CtInfo,
  type KernelProfile,
  type PacketHeaders,
  type TcpConntrackState,
  type Tuple,
} from '@netmortem/simulator';
import { toDomainPacket, type WireSegment } from '../packets/wire-segment.js';
import { LAB_ADDRESSES, ROUTER_INTERFACES } from '../sequences/lab-addresses.js';
import type { TcpSequence } from '../sequences/segment-sequence.js';
import { SeededRandom } from '../sequences/seeded-random.js';

/** The simulator's verdict for one segment, in the terms the kernel lab records. */
export interface ModelPacketVerdict {
  readonly index: number;
  readonly ctinfo: CtInfo;
  readonly direction?: CtDirection;
  readonly stateAfter?: TcpConntrackState;
  readonly natDestination?: { readonly address: string; readonly port: number };
  readonly natSource?: { readonly address: string; readonly port: number };
  readonly timeoutSec?: number;
  readonly invalidReason?: string;
  readonly ignored?: string;
  /** The router would drop it at confirmation (table full, insert clash). */
  readonly dropped?: string;
}

export interface ModelRunInput {
  readonly sequence: TcpSequence;
  /** The segments with the times they reached the router (µs from the batch start). */
  readonly segments: readonly WireSegment[];
  /** Sysctls of the kernel before the sequence's own (its defaults). */
  readonly baseSysctls: Readonly<Record<string, string>>;
  readonly profile: KernelProfile;
  /** The sequence's nat and raw rules, parsed (sequenceRuleset), when it has any. */
  readonly rules?: readonly Ruleset[];
}

const EPOCH_US = 1_700_000_000_000_000;

function headersOf(segment: WireSegment): PacketHeaders {
  return {
    family: segment.ipVersion,
    protocol: 6,
    src: segment.src,
    dst: segment.dst,
    srcPort: segment.srcPort,
    dstPort: segment.dstPort,
    tcpFlags: segment.flags,
    inIface:
      segment.direction === 'c2s' ? ROUTER_INTERFACES.clientSide : ROUTER_INTERFACES.serverSide,
  };
}

/**
 * Runs one sequence through a fresh ConntrackTable the way the lab's router handles it:
 * track, then (first packet of a connection only) the nat table's PREROUTING, then confirm,
 * since the router accepts every packet.
 */
export function runModel(input: ModelRunInput): ModelPacketVerdict[] {
  const { sequence } = input;
  const settings = conntrackSettingsFromSysctls({ ...input.baseSysctls, ...sequence.sysctls });
  const rng = new SeededRandom(0x5eed);
  // With a random source the table gives a translated connection whose reply tuple is taken
  // another source port, as the kernel's unique-tuple search does, instead of a clash.
  const table = new ConntrackTable({ settings, profile: input.profile, random: () => rng.next() });
  const plan = LAB_ADDRESSES[sequence.ipVersion];
  const evaluator =
    input.rules === undefined
      ? undefined
      : new RulesetEvaluator(input.rules, {
          localAddresses: new Set([plan.routerClientSide, plan.routerServerSide]),
          interfaceAddress: (iface, family) =>
            iface === ROUTER_INTERFACES.clientSide
              ? LAB_ADDRESSES[family].routerClientSide
              : iface === ROUTER_INTERFACES.serverSide
                ? LAB_ADDRESSES[family].routerServerSide
                : undefined,
          random: () => rng.next(),
        });
  return input.segments.map((segment, i) => {
    const packet: Packet = toDomainPacket(segment, `${sequence.id}.pcap`, i + 1, EPOCH_US);
    const now = packet.timeUs;
    // raw PREROUTING runs before conntrack: the packet has no entry yet.
    const raw = evaluator?.has('raw')
      ? evaluator.run('raw', 'PREROUTING', headersOf(segment), {
          ctinfo: 'INVALID',
          assured: false,
          seenReply: false,
          dnat: false,
          snat: false,
          mark: 0,
        })
      : undefined;
    const verdict = table.track(packet, now, { untracked: raw?.notrack === true });
    let dropped: string | undefined;
    const entry = verdict.entry;
    if (entry !== undefined && verdict.created) {
      if (
        evaluator?.has('nat') === true &&
        verdict.ctinfo === 'NEW' &&
        segment.direction === 'c2s'
      ) {
        const result = evaluator.run('nat', 'PREROUTING', headersOf(segment), {
          ctinfo: 'NEW',
          ...(verdict.direction === undefined ? {} : { direction: verdict.direction }),
          assured: false,
          seenReply: false,
          dnat: false,
          snat: false,
          mark: 0,
          original: entry.original,
          reply: entry.reply,
          confirmed: false,
        });
        const to = result.nat?.to;
        if (
          result.nat !== undefined &&
          to !== undefined &&
          (result.nat.kind === 'DNAT' || result.nat.kind === 'REDIRECT')
        ) {
          const reply: Tuple = {
            protocol: 6,
            src: to.address ?? entry.original.dst,
            srcPort: to.port ?? entry.original.dstPort,
            dst: entry.original.src,
            dstPort: entry.original.srcPort,
          };
          table.setReply(entry, reply, { kind: 'DNAT', rule: result.nat.rule.raw });
        }
      }
      const confirmed = table.confirm(entry, now);
      if (!confirmed.inserted) dropped = confirmed.reason ?? 'not inserted';
    }
    const state = verdict.stateAfter ?? entry?.tcpState;
    // Where a client segment leaves for: through its entry's NAT binding, or untouched
    // (INVALID skips NAT); a packet the router dropped leaves for nowhere.
    const bound =
      entry !== undefined && verdict.ctinfo !== 'INVALID' && verdict.direction === 'original';
    const leaves = segment.direction === 'c2s' && dropped === undefined;
    const nat = leaves
      ? bound
        ? { address: entry.reply.src, port: entry.reply.srcPort }
        : { address: segment.dst, port: segment.dstPort }
      : undefined;
    const natSource = leaves
      ? bound
        ? { address: entry.reply.dst, port: entry.reply.dstPort }
        : { address: segment.src, port: segment.srcPort }
      : undefined;
    const live = entry !== undefined && verdict.ctinfo !== 'INVALID' && entry.expiresUs > now;
    return {
      index: segment.index,
      ctinfo: verdict.ctinfo,
      ...(verdict.direction === undefined || verdict.ctinfo === 'INVALID'
        ? {}
        : { direction: verdict.direction }),
      ...(state === undefined || verdict.ctinfo === 'INVALID' ? {} : { stateAfter: state }),
      ...(nat === undefined ? {} : { natDestination: nat }),
      ...(natSource === undefined ? {} : { natSource }),
      ...(dropped === undefined ? {} : { dropped }),
      ...(live ? { timeoutSec: Math.floor((entry.expiresUs - now) / 1e6) } : {}),
      ...(verdict.invalidReason === undefined ? {} : { invalidReason: verdict.invalidReason }),
      ...(verdict.ignored === undefined ? {} : { ignored: verdict.ignored }),
    };
  });
}
