import { TcpFlag, type Packet } from '@netmortem/domain';
import { invertTuple } from '../model/index.js';
import { tupleOf, wireKey } from './packet-tuples.js';
import type { ReplayStep, StepList } from './replay-step.js';

const RST = TcpFlag.RST;
const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;

/** How long a predicted answer waits for the packet that shows it (µs). */
const RESPONSE_WINDOW_US = 5_000_000;

interface PendingResponse {
  readonly step: number;
  readonly timeUs: number;
  readonly kind: string;
  /** The packet that asked skipped NAT, so its answer leaves without un-NAT. */
  readonly untranslated: boolean;
}

/**
 * Links predicted answers to what the capture shows: after a socket (or a REJECT) is
 * predicted to answer a packet, the next packet on the reverse tuple is that answer, or
 * contradicts it. Answers leave through the same NAT binding the packet came in by (or none,
 * when it skipped NAT), so on the wire they are the captured packet's tuple turned around.
 */
export class ResponseWatcher {
  private readonly pending = new Map<string, PendingResponse>();

  get size(): number {
    return this.pending.size;
  }

  expect(
    captured: Packet,
    position: number,
    kind: string,
    untranslated: boolean,
    now: number,
  ): void {
    this.pending.set(wireKey(invertTuple(tupleOf(captured))), {
      step: position,
      timeUs: now,
      kind,
      untranslated,
    });
  }

  /** An awaited answer to a packet that skipped NAT: it must not be mapped back through a binding. */
  answersUntranslated(key: string): boolean {
    return this.pending.get(key)?.untranslated === true;
  }

  /** Marks the asking step when `captured` is the packet it waited for. */
  match(step: ReplayStep, position: number, captured: Packet, steps: StepList): void {
    if (captured.srcPort === undefined) return;
    const key = wireKey(captured);
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    if (captured.timeUs - waiting.timeUs > RESPONSE_WINDOW_US) return;
    const asked = steps.at(waiting.step);
    if (!asked) return;
    asked.observedAt = position;
    asked.observedMatches = flagsShow(waiting.kind, captured.tcp?.flags ?? 0);
    if (waiting.untranslated)
      step.note(
        `answer to packet ${asked.packet.locator.packet ?? 0}, which skipped NAT: it leaves without un-NAT`,
      );
  }
}

/** Whether observed flags are the predicted kind of answer. */
export function flagsShow(kind: string, flags: number): boolean {
  switch (kind) {
    case 'RST':
    case 'RST_ACK':
      return (flags & RST) !== 0;
    case 'SYN_ACK':
      return (flags & (SYN | ACK)) === (SYN | ACK);
    case 'FIN_ACK':
      return (flags & FIN) !== 0;
    default:
      return (flags & ACK) !== 0 && (flags & (SYN | RST)) === 0;
  }
}
