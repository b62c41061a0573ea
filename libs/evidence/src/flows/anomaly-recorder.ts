import {
  FLOW_ANOMALY_KINDS,
  type FlowAnomaly,
  type FlowAnomalyKind,
  type FlowDirection,
} from '@netmortem/domain';
import { deferredNote } from './anomaly-notes.js';

const KIND_INDEX = new Map<FlowAnomalyKind, number>(FLOW_ANOMALY_KINDS.map((kind, i) => [kind, i]));
const NONE: readonly FlowAnomaly[] = Object.freeze([]);
/**
 * Numbers kept per listed anomaly: packet, time, related packet (0: none), interval (-1:
 * none), and four note arguments for deferred notes (see anomaly-notes.ts).
 */
const FIELDS = 8;
/** Listed anomalies a recorder keeps room for when reused. */
const SMALL = 8;

/**
 * A flow's anomalies: every one counted, a bounded number listed (per flow and per kind,
 * so ten thousand retransmissions cannot crowd out the one RST). `wants` is asked first so
 * the note, the only costly part, is only built for anomalies that will be listed.
 *
 * Listed anomalies are held as numbers in typed arrays plus their note, and become
 * `FlowAnomaly` objects only when the flow is reported: a long flow's anomalies then do
 * not sit in the heap as objects (which the garbage collector would promote and keep
 * until a full collection). The arrays are reused when the flow state is.
 */
export class AnomalyRecorder {
  private readonly counts = new Int32Array(FLOW_ANOMALY_KINDS.length);
  private any = false;
  private listed = 0;
  private kinds = new Uint8Array(0);
  private numbers = new Float64Array(0);
  private notes: (string | null)[] = [];

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerKind: number,
  ) {}

  /** Counts one anomaly of `kind`; true when it should also be listed (then call `add`). */
  wants(kind: FlowAnomalyKind): boolean {
    const index = KIND_INDEX.get(kind) as number;
    const seen = (this.counts[index] as number) + 1;
    this.counts[index] = seen;
    this.any = true;
    return this.listed < this.maxTotal && seen <= this.maxPerKind;
  }

  /**
   * Lists one anomaly. `note` is its text, or null when the note is deferred: written at
   * report time from a..d by deferredNote (anomaly-notes.ts).
   */
  add(
    kind: FlowAnomalyKind,
    clientToServer: boolean,
    packet: number,
    timeUs: number,
    note: string | null,
    relatedPacket: number,
    intervalUs: number,
    a = 0,
    b = 0,
    c = 0,
    d = 0,
  ): void {
    const at = this.listed;
    if (at === this.kinds.length) this.grow();
    this.kinds[at] = ((KIND_INDEX.get(kind) as number) << 1) | (clientToServer ? 1 : 0);
    const n = at * FIELDS;
    const numbers = this.numbers;
    numbers[n] = packet;
    numbers[n + 1] = timeUs;
    numbers[n + 2] = relatedPacket;
    numbers[n + 3] = intervalUs;
    numbers[n + 4] = a;
    numbers[n + 5] = b;
    numbers[n + 6] = c;
    numbers[n + 7] = d;
    this.notes[at] = note;
    this.listed = at + 1;
  }

  count(kind: FlowAnomalyKind): number {
    return this.counts[KIND_INDEX.get(kind) as number] as number;
  }

  /** The listed anomalies as domain objects (built now, for the report). */
  list(artifact: string): readonly FlowAnomaly[] {
    if (this.listed === 0) return NONE;
    const out: FlowAnomaly[] = [];
    for (let i = 0; i < this.listed; i++) {
      const code = this.kinds[i] as number;
      const n = i * FIELDS;
      const related = this.numbers[n + 2] as number;
      const interval = this.numbers[n + 3] as number;
      const clientToServer = (code & 1) === 1;
      const direction: FlowDirection = clientToServer ? 'client-to-server' : 'server-to-client';
      const kind = FLOW_ANOMALY_KINDS[code >> 1] as FlowAnomalyKind;
      const numbers = this.numbers;
      const anomaly: {
        -readonly [K in keyof FlowAnomaly]: FlowAnomaly[K];
      } = {
        kind,
        direction,
        locator: { artifact, packet: numbers[n] },
        timeUs: numbers[n + 1] as number,
        note:
          this.notes[i] ??
          deferredNote(
            kind,
            clientToServer,
            related,
            interval,
            numbers[n + 4] as number,
            numbers[n + 5] as number,
            numbers[n + 6] as number,
            numbers[n + 7] as number,
          ),
      };
      if (related > 0) anomaly.relatedPacket = related;
      if (interval >= 0) anomaly.intervalUs = interval;
      out.push(anomaly);
    }
    return out;
  }

  countsByKind(): Partial<Record<FlowAnomalyKind, number>> {
    const out: Partial<Record<FlowAnomalyKind, number>> = {};
    if (!this.any) return out;
    for (let i = 0; i < FLOW_ANOMALY_KINDS.length; i++) {
      const n = this.counts[i] as number;
      if (n > 0) out[FLOW_ANOMALY_KINDS[i] as FlowAnomalyKind] = n;
    }
    return out;
  }

  reset(): void {
    if (this.any) this.counts.fill(0);
    this.any = false;
    // Drop the note strings so a reused recorder holds no text of a finished flow, and
    // storage grown for a flow with many anomalies: the pool of recorders stays small.
    if (this.kinds.length > SMALL) {
      this.kinds = new Uint8Array(0);
      this.numbers = new Float64Array(0);
      this.notes = [];
    } else {
      this.notes.fill(null, 0, this.listed);
    }
    this.listed = 0;
  }

  private grow(): void {
    const size = Math.min(Math.max(SMALL, this.kinds.length * 2), Math.max(this.maxTotal, 1));
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    const numbers = new Float64Array(size * FIELDS);
    numbers.set(this.numbers);
    this.kinds = kinds;
    this.numbers = numbers;
  }
}
