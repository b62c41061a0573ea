import type { Flow, FlowAnomalyKind, FlowHalf } from '@netmortem/domain';
import { icmpName } from '../capture/icmp-names.js';
import { formatAddress } from '../capture/ip-address.js';
import type { PacketView } from '../capture/packet-view.js';
import { AnomalyRecorder } from './anomaly-recorder.js';
import type { Linked } from './flow-list.js';
import type { ResolvedFlowOptions } from './flow-options.js';
import type { TableEntry } from './flow-table.js';
import { formatDuration } from './notes.js';
import { PacketTrace } from './packet-trace.js';
import { FlowEndpoints } from './flow-endpoints.js';

/** A UDP conversation: counts per direction, idle gaps and ICMP errors about it. */
export class UdpFlowState implements Linked, TableEntry {
  prev: Linked | null = null;
  next: Linked | null = null;
  list = 0;
  listedUs = -0;
  tableHash = -0;
  firstPacket = 0;
  lastPacket = 0;
  firstUs = -0;
  lastUs = -0;
  packets = 0;
  toServerPackets = 0;
  toServerBytes = -0;
  toClientPackets = 0;
  toClientBytes = -0;
  readonly endpoints = new FlowEndpoints();
  readonly anomalies: AnomalyRecorder;
  readonly trace: PacketTrace | null;
  private readonly idleGapUs: number;

  constructor(
    readonly id: string,
    readonly capture: string,
    view: PacketView,
    clientIsSource: boolean,
    options: ResolvedFlowOptions,
  ) {
    this.endpoints.setFrom(view, clientIsSource);
    this.anomalies = new AnomalyRecorder(options.maxAnomaliesPerFlow, options.maxAnomaliesPerKind);
    this.trace = options.tracePackets > 0 ? new PacketTrace(options.tracePackets) : null;
    this.idleGapUs = options.idleGapUs;
  }

  onDatagram(view: PacketView, fromClient: boolean): void {
    const t = view.timeUs;
    if (this.packets === 0) {
      this.firstPacket = view.number;
      this.firstUs = t;
    } else if (t - this.lastUs >= this.idleGapUs) {
      const gap = t - this.lastUs;
      const previous = this.lastPacket;
      this.record(
        'idle-gap',
        fromClient,
        view,
        `no datagram for ${formatDuration(gap)} (since #${previous})`,
        previous,
        gap,
      );
    }
    this.packets += 1;
    this.lastPacket = view.number;
    this.lastUs = t;
    if (fromClient) {
      this.toServerPackets += 1;
      this.toServerBytes += view.payloadLength;
    } else {
      this.toClientPackets += 1;
      this.toClientBytes += view.payloadLength;
    }
    if (this.trace !== null) this.trace.add(view, fromClient);
  }

  onIcmpError(view: PacketView, fromClient: boolean): void {
    const name = icmpName(view.ipVersion, view.icmpType, view.icmpCode);
    const from = formatAddress(view.ipVersion, view.src0, view.src1, view.src2, view.src3);
    this.record(
      'icmp-error',
      fromClient,
      view,
      `ICMP ${name} from ${from} about a datagram from the ${fromClient ? 'client' : 'server'}`,
      this.lastPacket,
    );
  }

  toFlow(): Flow {
    return {
      id: this.id,
      capture: this.capture,
      protocol: 'udp',
      client: this.endpoints.client(),
      server: this.endpoints.server(),
      clientInferred: true,
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      firstUs: this.firstUs,
      lastUs: this.lastUs,
      packets: this.packets,
      handshake: { complete: false },
      toServer: half(this.toServerPackets, this.toServerBytes),
      toClient: half(this.toClientPackets, this.toClientBytes),
      close: { kind: 'open', events: [] },
      anomalies: this.anomalies.list(this.capture),
      anomalyCounts: this.anomalies.countsByKind(),
    };
  }

  private record(
    kind: FlowAnomalyKind,
    fromClient: boolean,
    view: PacketView,
    note: string,
    related?: number,
    intervalUs?: number,
  ): void {
    if (!this.anomalies.wants(kind)) return;
    this.anomalies.add(
      kind,
      fromClient,
      view.number,
      view.timeUs,
      note,
      related ?? 0,
      intervalUs ?? -1,
    );
  }
}

function half(packets: number, payloadBytes: number): FlowHalf {
  return { packets, payloadBytes };
}
