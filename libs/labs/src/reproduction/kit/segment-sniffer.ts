import { sleep } from '../../shell/run-command.js';
import { spawnInNamespace } from './lab-program.js';
import type { LabTopology } from './lab-topology.js';

/** The sequence numbers of one TCP segment as `tcpdump -nn -S` prints them. */
export interface SniffedSegment {
  readonly flags: string;
  /** First sequence number (the segment's own, or the SYN's). */
  readonly seq: number;
  /** Sequence number after the segment's payload. */
  readonly seqEnd: number;
  readonly ack: number | undefined;
  readonly line: string;
}

const FLAGS = /Flags \[([^\]]*)\]/;
const SEQ = /\bseq (\d+)(?::(\d+))?/;
const ACK = /\back (\d+)/;

/** Reads one line of `tcpdump -nn -S` TCP output; undefined for anything else. */
export function parseTcpdumpSegment(line: string): SniffedSegment | undefined {
  const flags = FLAGS.exec(line);
  if (!flags) return undefined;
  const seq = SEQ.exec(line);
  const ack = ACK.exec(line);
  if (!seq && !ack) return undefined;
  const first = seq ? Number(seq[1]) : Number.NaN;
  return {
    flags: flags[1] ?? '',
    seq: first,
    seqEnd: seq?.[2] !== undefined ? Number(seq[2]) : first,
    ack: ack ? Number(ack[1]) : undefined,
    line,
  };
}

/**
 * Waits for the next segment matching a pcap filter on an interface and returns its sequence
 * numbers: how a lab learns a live connection's position in sequence space (to push one
 * segment out of conntrack's window, say) without guessing.
 */
export async function sniffSegment(
  lab: LabTopology,
  role: string,
  iface: string,
  filter: string,
  options: { timeoutMs?: number; onListening?: () => void } = {},
): Promise<SniffedSegment> {
  const sniffer = spawnInNamespace(lab, role, [
    'tcpdump',
    '-l',
    '-nn',
    '-S',
    '--immediate-mode',
    '-c',
    '1',
    '-i',
    iface,
    filter,
  ]);
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  try {
    while (!sniffer.errors().includes('listening on')) {
      if (Date.now() > deadline || sniffer.child.exitCode !== null)
        throw new Error(`tcpdump on ${iface} did not start: ${sniffer.errors()}`);
      await sleep(10);
    }
    options.onListening?.();
    for (;;) {
      const segment = sniffer
        .output()
        .split('\n')
        .map(parseTcpdumpSegment)
        .find((s) => s !== undefined);
      if (segment) return segment;
      if (Date.now() > deadline)
        throw new Error(`no segment matching "${filter}" on ${iface} in time`);
      await sleep(10);
    }
  } finally {
    await sniffer.stop();
  }
}

/** `a + delta` in 32-bit sequence space. */
export function seqAdd(a: number, delta: number): number {
  return (((a + delta) % 2 ** 32) + 2 ** 32) % 2 ** 32;
}
