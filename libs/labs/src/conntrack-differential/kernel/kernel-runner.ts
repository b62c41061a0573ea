import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CtInfo, TcpConntrackState } from '@netmortem/simulator';
import { restoreText } from '../model/nat-ruleset.js';
import { scheduleBatch, type ScheduledBatch } from '../packets/batch-schedule.js';
import { writePcap } from '../packets/pcap.writer.js';
import { encodeTcpFrame } from '../packets/tcp-frame.encoder.js';
import { sysctlKey, type TcpSequence } from '../sequences/segment-sequence.js';
import { parseConntrackEvents, type ConntrackEventLine } from './conntrack-events.parser.js';
import type { KernelPacketVerdict, KernelRun, KernelSequenceVerdicts } from './kernel-verdicts.js';
import { LAB_MACS, LabNetwork, WIRE_INTERFACES } from './lab-network.js';
import { readNflogPcap, type NflogRecord } from './nflog.reader.js';
import {
  LabCommandError,
  run,
  runAsync,
  sleep,
  startBackground,
  waitForOutput,
} from '../../shell/run-command.js';
import {
  parsePrePrefix,
  POST_PREFIX,
  VERDICT_LOG_GROUP,
  VERDICT_TABLE,
  verdictRuleset,
} from './verdict-ruleset.js';

const CT_INFOS = new Set<string>(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED']);
/** The pcap's clock starts here; tcpreplay only uses the gaps. */
const PCAP_EPOCH_US = 1_700_000_000_000_000;

export interface KernelRunOptions {
  /** Parallel labs (each its own pair of namespaces). */
  readonly lanes?: number;
  readonly suiteSeed: number;
  /** Namespace prefix; must start with `nmdiff-`. */
  readonly prefix?: string;
  readonly log?: (line: string) => void;
  /** Most segments in one tcpreplay pass (default 1200). */
  readonly maxBatchSegments?: number;
  /** Keep the batches' pcaps, NFLOG captures and event logs here instead of deleting them. */
  readonly keepFilesIn?: string;
}

/** Tools the runner calls; `missingTools` reports which are absent. */
export const REQUIRED_TOOLS = [
  'ip',
  'nft',
  'iptables-restore',
  'ip6tables-restore',
  'conntrack',
  'tcpdump',
  'tcpreplay',
  'tcpprep',
  'taskset',
  'sysctl',
] as const;

/**
 * Runs sequences through real netfilter conntrack: one batch per distinct set of sysctls,
 * batches spread over `lanes` labs running in parallel, every batch injected in one
 * tcpreplay pass. Namespaces are removed when it ends, whether it succeeds or not.
 */
export async function runKernelSuite(
  sequences: readonly TcpSequence[],
  options: KernelRunOptions,
): Promise<KernelRun> {
  const log = options.log ?? (() => undefined);
  const groups = new Map<string, TcpSequence[]>();
  for (const sequence of sequences) {
    const key = sysctlKey(sequence.sysctls);
    groups.set(key, [...(groups.get(key) ?? []), sequence]);
  }
  // Large groups are cut into several batches, which keeps each event burst and NFLOG queue
  // short (events were lost, ENOBUFS, while conntrack -E still wrote into a pipe).
  const limit = options.maxBatchSegments ?? 1200;
  const batches = [...groups.values()].flatMap((members) =>
    chunk(members, limit).map((part) => scheduleBatch(part)),
  );
  batches.sort((a, b) => b.durationUs - a.durationUs);
  const laneCount = Math.max(1, Math.min(options.lanes ?? 2, batches.length));
  const queues: ScheduledBatch[][] = Array.from({ length: laneCount }, () => []);
  const load = new Array<number>(laneCount).fill(0);
  for (const batch of batches) {
    const lane = load.indexOf(Math.min(...load));
    queues[lane]?.push(batch);
    load[lane] = (load[lane] ?? 0) + batch.durationUs + 2_500_000;
  }
  const prefix = options.prefix ?? `nmdiff-${process.pid}`;
  const warnings: string[] = [];
  const notes: string[] = [];
  let baseSysctls: Record<string, string> = {};
  // allSettled: a failing lab must not end the run while another still owns namespaces.
  const settled = await Promise.allSettled(
    queues.map(async (queue, lane) => {
      const lab = LabNetwork.create(`${prefix}-${lane}`);
      const scratch = mkdtempSync(join(options.keepFilesIn ?? tmpdir(), `nmdiff-${lane}-`));
      try {
        const base = readConntrackSysctls(lab.router);
        if (lane === 0) baseSysctls = base;
        const out: KernelSequenceVerdicts[] = [];
        for (const [i, batch] of queue.entries()) {
          const started = Date.now();
          const verdicts = await runBatch(
            lab,
            batch,
            base,
            join(scratch, `b${i}`),
            warnings,
            notes,
          );
          out.push(...verdicts);
          log(
            `lane ${lane}: ${batch.sequences.length} sequences, ${batch.segments.length} segments in ${Date.now() - started} ms`,
          );
        }
        return out;
      } finally {
        lab.close();
        if (options.keepFilesIn === undefined) rmSync(scratch, { recursive: true, force: true });
      }
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const results = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  const byId = new Map(results.map((v) => [v.sequenceId, v]));
  return {
    kernelRelease: release(),
    createdAt: new Date().toISOString(),
    method:
      'tcpreplay (dual interface, tcpprep MAC split) into a router namespace; ctstate/ctdir from nft log (NFLOG) at prerouting mangle priority; ' +
      'TCP state from conntrack -E events matched by a per-packet ct mark; NAT destination from a second NFLOG after DNAT/REDIRECT',
    suiteSeed: options.suiteSeed,
    baseSysctls,
    sequences: sequences.map((s) => byId.get(s.id) ?? { sequenceId: s.id, packets: [] }),
    warnings,
    notes,
  };
}

/** Consecutive groups of sequences with at most `limit` segments each (one at least). */
function chunk(sequences: readonly TcpSequence[], limit: number): TcpSequence[][] {
  const out: TcpSequence[][] = [];
  let current: TcpSequence[] = [];
  let size = 0;
  for (const sequence of sequences) {
    if (current.length > 0 && size + sequence.segments.length > limit) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(sequence);
    size += sequence.segments.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function readConntrackSysctls(router: string): Record<string, string> {
  // Conntrack's per-namespace sysctls exist once the namespace tracks: load the table first.
  run(['nft', '-f', '-'], { netns: router, input: verdictRuleset({ v4: [], v6: [] }) });
  const text = run(['sysctl', '-a', '--pattern', '^net\\.netfilter\\.nf_conntrack_tcp_'], {
    netns: router,
  });
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s*=\s*(.*)$/.exec(line.trim());
    if (m !== null) values[m[1] as string] = (m[2] as string).trim();
  }
  return values;
}

async function runBatch(
  lab: LabNetwork,
  batch: ScheduledBatch,
  base: Readonly<Record<string, string>>,
  stem: string,
  warnings: string[],
  notes: string[],
): Promise<KernelSequenceVerdicts[]> {
  const router = lab.router;
  const first = batch.sequences[0];
  const settings = { ...base, ...(first?.sysctls ?? {}) };

  // Fresh table, this batch's settings, rules and instrumentation.
  try {
    run(['nft', 'delete', 'table', 'inet', VERDICT_TABLE], { netns: router });
  } catch {
    // first batch of the lane
  }
  run(['conntrack', '-F'], { netns: router });
  for (const [key, value] of Object.entries(settings))
    run(['sysctl', '-q', '-w', `${key}=${value}`], { netns: router });
  const ids = { v4: [] as number[], v6: [] as number[] };
  for (const s of batch.segments) (s.ipVersion === 4 ? ids.v4 : ids.v6).push(s.packetId);
  run(['nft', '-f', '-'], { netns: router, input: verdictRuleset(ids) });
  const natRules = batch.sequences.flatMap((s) => s.nat?.rules ?? []);
  const rawRules = batch.sequences.flatMap((s) => (s.ipVersion === 4 ? (s.rawRules ?? []) : []));
  const rawRules6 = batch.sequences.flatMap((s) => (s.ipVersion === 6 ? (s.rawRules ?? []) : []));
  run(['iptables-restore'], {
    netns: router,
    input: restoreText({ nat: natRules, raw: rawRules }),
  });
  run(['ip6tables-restore'], { netns: router, input: restoreText({ raw: rawRules6 }) });

  // The frames, and which interface each leaves by.
  const pcapPath = `${stem}.pcap`;
  const cachePath = `${stem}.cache`;
  const nflogPath = `${stem}.nflog.pcap`;
  writeFileSync(
    pcapPath,
    writePcap(
      batch.segments.map((s) => ({
        timeUs: PCAP_EPOCH_US + s.timeUs,
        frame: encodeTcpFrame(
          s,
          s.direction === 'c2s'
            ? { srcMac: LAB_MACS.wireClientSide, dstMac: LAB_MACS.routerClientSide }
            : { srcMac: LAB_MACS.wireServerSide, dstMac: LAB_MACS.routerServerSide },
        ),
      })),
    ),
  );
  // MAC split: frames whose source MAC is listed go out the primary interface (-i), the rest
  // the secondary (-I); checked against `tcpprep -S` on this machine's tcpprep 4.4.
  run(['tcpprep', `--mac=${LAB_MACS.wireClientSide}`, '-i', pcapPath, '-o', cachePath]);

  const tcpdump = startBackground(router, [
    'tcpdump',
    '-i',
    `nflog:${VERDICT_LOG_GROUP}`,
    '-w',
    nflogPath,
    '-U',
    '-s',
    '256',
  ]);
  const events = startBackground(
    router,
    ['conntrack', '-E', '-p', 'tcp', '-o', 'timestamp,id', '-b', '16777216'],
    { stdoutFile: `${stem}.events.txt` },
  );
  let replayed: string | undefined;
  try {
    await waitForOutput(tcpdump, 'listening on');
    await eventsListening(router, events);
    // One CPU: both interfaces feed the same backlog queue, so the router sees the file's order.
    replayed = await runAsync(
      [
        'taskset',
        '-c',
        firstAllowedCpu(),
        'tcpreplay',
        '-c',
        cachePath,
        '-i',
        WIRE_INTERFACES.clientSide,
        '-I',
        WIRE_INTERFACES.serverSide,
        pcapPath,
      ],
      { netns: lab.wire },
    );
    // NFLOG flushes at least once a second; give it that and a margin.
    await sleep(1500);
  } finally {
    await tcpdump.stop();
    await events.stop();
  }
  const sent = /Actual: (\d+) packets/.exec(replayed ?? '')?.[1];
  if (sent !== undefined && Number(sent) !== batch.segments.length)
    warnings.push(
      `tcpreplay sent ${sent} of ${batch.segments.length} segments (settings: ${sysctlKey(first?.sysctls ?? {}) || 'default'}): ${replayed}`,
    );
  writeFileSync(`${stem}.events.err`, events.errors());
  // Lost events only cost comparisons (the state chain breaks where one is missing).
  if (events.errors().includes('ENOBUFS'))
    notes.push(
      `conntrack -E lost events (ENOBUFS) in a batch of ${batch.segments.length} segments`,
    );
  const records = readNflogPcap(readFileSync(nflogPath));
  return collectVerdicts(batch, records, parseConntrackEvents(events.output()), warnings);
}

/** The first CPU this process may run on (CPU 0 may be outside a container's cpuset). */
function firstAllowedCpu(): string {
  const list = /list:\s*([\d,-]+)/.exec(run(['taskset', '-cp', String(process.pid)]))?.[1] ?? '0';
  return /^\d+/.exec(list)?.[0] ?? '0';
}

/**
 * `conntrack -E` says nothing when it is ready: insert a marker entry until its event shows,
 * then delete it (its events carry mark 0, which no packet has).
 */
async function eventsListening(
  router: string,
  events: ReturnType<typeof startBackground>,
): Promise<void> {
  const marker = [
    '-p',
    'tcp',
    '-s',
    '192.0.2.1',
    '-d',
    '192.0.2.2',
    '--sport',
    '9',
    '--dport',
    '9',
  ];
  for (let attempt = 0; attempt < 50 && !events.output().includes('sport=9 dport=9'); attempt++) {
    // Delete and insert again: an insert made before the listener subscribed went unseen.
    for (const action of [
      ['-D', ...marker],
      ['-I', ...marker, '--state', 'ESTABLISHED', '--timeout', '30'],
    ]) {
      try {
        run(['conntrack', ...action], { netns: router });
      } catch {
        // nothing to delete yet
      }
    }
    await sleep(100);
  }
  if (!events.output().includes('sport=9 dport=9'))
    throw new LabCommandError(['conntrack', '-E'], `not listening: ${events.errors()}`);
  run(['conntrack', '-D', ...marker], { netns: router });
}

/** Joins the logs and events of a batch back onto its segments (pure, exported for tests). */
export function collectVerdicts(
  batch: ScheduledBatch,
  records: readonly NflogRecord[],
  events: readonly ConntrackEventLine[],
  warnings: string[],
): KernelSequenceVerdicts[] {
  const pre = new Map<number, NflogRecord>();
  const post = new Map<number, NflogRecord>();
  for (const record of records) {
    const target = record.prefix.startsWith(POST_PREFIX) ? post : pre;
    const key = record.ipVersion * 1_000_000 + record.packetId;
    if (target.has(key))
      warnings.push(`packet ${record.packetId} logged twice at ${record.prefix}`);
    else target.set(key, record);
  }
  // Each event names, in its mark, the packet that caused it. An event without a state means
  // the state did not change; the state is then carried from the sequence's previous packet,
  // but only along an unbroken chain of events (see below).
  const afterPacket = new Map<
    number,
    { state?: TcpConntrackState; id?: number; timeoutSec?: number }
  >();
  for (const event of events) {
    if (event.type === 'DESTROY' || event.mark === 0) continue;
    afterPacket.set(event.mark, {
      ...(event.state === undefined ? {} : { state: event.state }),
      ...(event.id === undefined ? {} : { id: event.id }),
      ...(event.timeoutSec === undefined ? {} : { timeoutSec: event.timeoutSec }),
    });
  }
  // A packet may rightly cause no event (its RST killed the entry: the DESTROY carries the
  // previous mark; the router dropped it after conntrack, so cached events were never sent),
  // but a batch without any means the listener missed them all.
  if (
    events.every((event) => event.mark === 0) &&
    records.some((r) => !r.prefix.includes('INVALID'))
  )
    warnings.push(`no conntrack events recorded for a batch of ${batch.segments.length} segments`);
  const firstLogged = Math.min(...[...pre.values()].map((r) => r.timeUs));
  const firstSent = batch.segments[0]?.timeUs ?? 0;
  return batch.sequences.map((sequence) => {
    // Entry id -> state after the last packet, valid while every tracked packet of the
    // sequence produced its event: a packet without one (a lost event, a killed entry, a
    // packet dropped after conntrack) may have changed a state nobody saw, so the chain breaks.
    const known = new Map<number, TcpConntrackState>();
    const packets = (batch.bySequence.get(sequence.id) ?? []).map(
      (segment): KernelPacketVerdict => {
        const key = segment.ipVersion * 1_000_000 + segment.packetId;
        const logged = pre.get(key);
        const parsed = logged === undefined ? undefined : parsePrePrefix(logged.prefix);
        const ctinfo =
          parsed !== undefined && CT_INFOS.has(parsed.ctinfo)
            ? (parsed.ctinfo as CtInfo)
            : 'MISSING';
        if (ctinfo === 'MISSING')
          warnings.push(`${sequence.id} #${segment.index + 1}: not logged by the router`);
        const raw =
          ctinfo === 'INVALID' || ctinfo === 'MISSING'
            ? undefined
            : afterPacket.get(segment.packetId);
        if (raw === undefined && ctinfo !== 'INVALID') known.clear();
        const carried = raw?.id === undefined ? undefined : (raw.state ?? known.get(raw.id));
        if (raw?.id !== undefined && carried !== undefined) known.set(raw.id, carried);
        const event = raw === undefined ? undefined : { ...raw, state: carried };

        const translated = post.get(key);
        return {
          index: segment.index,
          ctinfo,
          ...(parsed?.direction === undefined ? {} : { direction: parsed.direction }),
          ...(event?.state === undefined ? {} : { stateAfter: event.state }),
          ...(event?.timeoutSec === undefined ? {} : { timeoutSec: event.timeoutSec }),
          ...(event?.id === undefined ? {} : { entryId: event.id }),
          ...(translated === undefined || segment.direction !== 'c2s'
            ? {}
            : {
                natDestination: { address: translated.dst, port: translated.dstPort },
                natSource: { address: translated.src, port: translated.srcPort },
              }),
          sentUs: segment.timeUs,
          ...(logged === undefined ? {} : { loggedUs: logged.timeUs - firstLogged + firstSent }),
        };
      },
    );
    return { sequenceId: sequence.id, packets };
  });
}
