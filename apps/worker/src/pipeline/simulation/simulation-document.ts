import type { CapturePacketCount } from '@netmortem/evidence';
import type { ParseIssue } from '@netmortem/domain';
import type { ReplayRun } from '@netmortem/simulator';
import { SimulationTally, type SimulationCounts } from './simulation-tally.js';

/** The last part of the stored simulation: the counts and how the captures were read. */
export interface SimulationReport extends SimulationCounts {
  readonly maxPackets: number;
  readonly captures: readonly CapturePacketCount[];
  readonly issues: readonly ParseIssue[];
}

export interface CaptureReading {
  readonly captures: readonly CapturePacketCount[];
  readonly overCap: number;
  readonly maxPackets: number;
  readonly issues: readonly ParseIssue[];
}

/** Items per chunk: enough to keep stream overhead low, few enough to stay small. */
const ITEMS_PER_CHUNK = 512;

/**
 * The stored simulation, `{ input, packets, timeline, report }`, as JSON text in chunks. A
 * replay of two million packets would be gigabytes as one string; here each verdict is
 * materialised, written and dropped in turn. The report comes last because its counts are
 * gathered on the way; `onReport` receives it once the last chunk is produced.
 */
export function* simulationJsonChunks(
  run: ReplayRun,
  reading: CaptureReading,
  onReport: (report: SimulationReport) => void,
): Generator<string> {
  const tally = new SimulationTally(reading.overCap);
  yield `{"input":${JSON.stringify(run.input)},"packets":[`;
  yield* joined(run.packetCount, (i) => {
    const verdict = run.packet(i);
    tally.addPacket(verdict);
    return JSON.stringify(verdict);
  });
  yield '],"timeline":[';
  const timeline = run.timeline();
  yield* joined(timeline.length, (i) => {
    const event = timeline[i]!;
    tally.addEvent(event);
    return JSON.stringify(event);
  });
  const report: SimulationReport = {
    ...tally.counts(),
    maxPackets: reading.maxPackets,
    captures: reading.captures,
    issues: reading.issues,
  };
  yield `],"report":${JSON.stringify(report)}}`;
  onReport(report);
}

/** `count` items as the comma-separated body of a JSON array, `ITEMS_PER_CHUNK` per chunk. */
function* joined(count: number, item: (index: number) => string): Generator<string> {
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(item(i));
    if (chunk.length === ITEMS_PER_CHUNK || i === count - 1) {
      yield (i + 1 > chunk.length ? ',' : '') + chunk.join(',');
      chunk = [];
    }
  }
}
