import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { sleep, type BackgroundProcess } from '../../shell/run-command.js';
import {
  buildManifest,
  formatManifest,
  iptablesBackend,
  toolFamily,
  type ManifestCommand,
  type ManifestOptions,
} from './collector-manifest.js';
import { lastKernelStamp, linesAfter } from './kernel-log.js';
import { spawnInNamespace } from './lab-program.js';
import type { LabTopology } from './lab-topology.js';

export interface CaptureOptions {
  readonly role: string;
  readonly iface: string;
  /** Default `capture.pcap`. */
  readonly file?: string;
  /** 0 (whole packets, the default) or e.g. 256 (headers only). */
  readonly snaplen?: number;
  /** A pcap filter expression, e.g. `tcp port 8080`. */
  readonly filter?: string;
}

export interface EventsOptions {
  readonly role: string;
  /** Default `conntrack-events.txt`. */
  readonly file?: string;
  /** `-o timestamp` (default true): each event carries `[<epoch>.<usec>]`. */
  readonly timestamps?: boolean;
}

/** State snapshots, each written under the file name the collector gives it. */
export type SnapshotKind =
  | 'uname'
  | 'sockets'
  | 'conntrack-table'
  | 'conntrack-stats'
  | 'conntrack-count'
  | 'iptables'
  | 'sysctl'
  | 'nstat'
  | 'ip';

const SNAPSHOTS: Record<SnapshotKind, readonly { file: string; argv: readonly string[] }[]> = {
  uname: [{ file: 'uname.txt', argv: ['uname', '-a'] }],
  sockets: [{ file: 'ss-tanoie.txt', argv: ['ss', '-tanoie'] }],
  'conntrack-table': [{ file: 'conntrack-table.txt', argv: ['conntrack', '-L'] }],
  'conntrack-stats': [{ file: 'conntrack-stats.txt', argv: ['conntrack', '-S'] }],
  'conntrack-count': [
    { file: 'conntrack-count.txt', argv: ['conntrack', '-C'] },
    {
      file: 'conntrack-limits.txt',
      argv: [
        'sysctl',
        'net.netfilter.nf_conntrack_count',
        'net.netfilter.nf_conntrack_max',
        'net.netfilter.nf_conntrack_buckets',
      ],
    },
  ],
  iptables: [{ file: 'iptables-save.txt', argv: ['iptables-save', '-c'] }],
  sysctl: [{ file: 'sysctl-net.txt', argv: ['sysctl', 'net'] }],
  nstat: [{ file: 'nstat.txt', argv: ['nstat', '-saz'] }],
  ip: [
    { file: 'ip-addr.txt', argv: ['ip', '-d', 'addr'] },
    { file: 'ip-route.txt', argv: ['ip', 'route', 'show', 'table', 'all'] },
  ],
};

/** Every snapshot kind, for variants that collect "everything". */
export const ALL_SNAPSHOTS: readonly SnapshotKind[] = Object.keys(SNAPSHOTS) as SnapshotKind[];

interface Stream {
  readonly process: BackgroundProcess;
  readonly command: ManifestCommand;
}

/**
 * Fills a bundle directory the way the collector would: streams (a tcpdump capture, a
 * `conntrack -E` event log) started before the traffic and stopped cleanly after it, state
 * snapshots from any lab namespace, the kernel log lines that appeared during the lab, and a
 * manifest.json listing each command with its exit code and tool version. Program logs are
 * written by the programs themselves into the same directory.
 */
export class ArtifactRecorder {
  private readonly commands: ManifestCommand[] = [];
  private readonly streams: Stream[] = [];
  private readonly startedAt = new Date();
  private readonly kernelLogStart: number;
  private capture: CaptureOptions | undefined;
  private events = false;

  constructor(
    private readonly lab: LabTopology,
    readonly outDir: string,
  ) {
    this.kernelLogStart = lastKernelStamp(readKernelLog(false));
  }

  /** Path of a file in the bundle (for program logs). */
  file(name: string): string {
    return path.join(this.outDir, name);
  }

  /** Starts tcpdump and waits until it listens, so the capture holds every packet after it. */
  async startCapture(options: CaptureOptions): Promise<void> {
    const file = options.file ?? 'capture.pcap';
    const snaplen = options.snaplen ?? 0;
    const argv = ['tcpdump', '-i', options.iface, '-s', String(snaplen), '-w', file];
    // -U and immediate mode: nothing sits in a buffer when the capture is stopped.
    const extra = ['-U', '--immediate-mode', '-Z', 'root'];
    const filter = options.filter === undefined ? [] : [options.filter];
    const process = spawnInNamespace(this.lab, options.role, [
      'tcpdump',
      '-i',
      options.iface,
      '-s',
      String(snaplen),
      '-w',
      this.file(file),
      ...extra,
      ...filter,
    ]);
    const deadline = Date.now() + 5000;
    while (!process.errors().includes('listening on')) {
      if (process.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`tcpdump on ${options.iface} did not start: ${process.errors()}`);
      await sleep(20);
    }
    this.capture = options;
    this.streams.push({
      process,
      command: this.describe([...argv, ...extra, ...filter], file, 'tcpdump'),
    });
  }

  /** Starts `conntrack -E` (with `-o timestamp` unless told otherwise) into a file. */
  async startConntrackEvents(options: EventsOptions): Promise<void> {
    const file = options.file ?? 'conntrack-events.txt';
    const argv = ['conntrack', '-E', ...(options.timestamps === false ? [] : ['-o', 'timestamp'])];
    const process = spawnInNamespace(this.lab, options.role, argv, { stdoutFile: this.file(file) });
    // The netlink subscription has no "ready" line; give it a moment before traffic starts.
    await sleep(200);
    if (process.child.exitCode !== null)
      throw new Error(`conntrack -E did not start: ${process.errors()}`);
    this.events = true;
    this.streams.push({ process, command: this.describe(argv, file, 'conntrack') });
  }

  /**
   * Stops every stream, newest first, after a short settle so the last packets and events
   * are written; tcpdump gets SIGINT and closes its file properly.
   */
  async stopStreams(settleMs = 300): Promise<void> {
    if (this.streams.length === 0) return;
    await sleep(settleMs);
    for (const stream of [...this.streams].reverse()) {
      await stream.process.stop();
      const code = stream.process.child.exitCode ?? 0;
      this.commands.push({ ...stream.command, exitCode: code });
    }
    this.streams.length = 0;
  }

  /** Runs snapshot commands in a role's namespace; `prefix` tells two namespaces' files apart. */
  snapshot(role: string, kinds: readonly SnapshotKind[], options: { prefix?: string } = {}): void {
    for (const kind of kinds)
      for (const { file, argv } of SNAPSHOTS[kind]) {
        const name = `${options.prefix ?? ''}${file}`;
        this.runSnapshot(role, argv, name);
      }
  }

  /** One more command's output as a bundle file (for what the fixed kinds do not cover). */
  command(role: string, argv: readonly string[], file: string): void {
    this.runSnapshot(role, argv, file);
  }

  /**
   * The kernel log lines that appeared since the recorder was made (the log is the host's:
   * namespaces share it), as `dmesg` prints them or, with `human`, as `dmesg -T` does.
   */
  kernelLog(options: { file?: string; human?: boolean } = {}): void {
    const file = options.file ?? 'dmesg.txt';
    const raw = readKernelLog(false);
    const shown = options.human === true ? readKernelLog(true) : raw;
    const rawLines = raw.split('\n');
    const shownLines = shown.split('\n');
    // The two forms list the same records; fall back to raw if a line appeared in between.
    const lines = linesAfter(raw, this.kernelLogStart).map((index) =>
      shownLines.length === rawLines.length ? shownLines[index] : rawLines[index],
    );
    writeFileSync(this.file(file), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    this.commands.push(
      this.describe(options.human === true ? ['dmesg', '-T'] : ['dmesg'], file, 'dmesg', {
        exitCode: 0,
        note: 'lines since the lab started',
      }),
    );
  }

  /** Writes manifest.json, scoped to the namespace the bundle was "collected" in. */
  writeManifest(scopeRole: string): void {
    const netnsId = this.lab.run(scopeRole, ['readlink', '/proc/self/ns/net']).trim();
    const options: ManifestOptions = {
      durationSeconds: Math.max(1, Math.round((Date.now() - this.startedAt.getTime()) / 1000)),
      interface: this.capture?.iface ?? 'any',
      filter: this.capture?.filter ?? '',
      snaplen: this.capture?.snaplen ?? 0,
      maxCaptureMiB: 100,
      capture: this.capture !== undefined,
      events: this.events,
    };
    const manifest = buildManifest({
      collectedAt: this.startedAt,
      finishedAt: new Date(),
      scope: { node: hostname(), netns: `netns:${this.lab.ns(scopeRole)}`, netnsId },
      options,
      iptablesBackend: iptablesBackend(toolVersion('iptables')),
      commands: this.commands,
    });
    writeFileSync(this.file('manifest.json'), formatManifest(manifest));
  }

  /** Stops the streams, collects the new kernel log lines and writes the manifest. */
  async finish(scopeRole: string, options: { kernelLog?: boolean; human?: boolean } = {}) {
    await this.stopStreams();
    if (options.kernelLog !== false) this.kernelLog({ human: options.human ?? false });
    this.writeManifest(scopeRole);
  }

  private runSnapshot(role: string, argv: readonly string[], file: string): void {
    const result = spawnSync('ip', ['netns', 'exec', this.lab.ns(role), ...argv], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    const exitCode = result.status ?? 1;
    const stderr = result.stderr ?? '';
    let output = result.stdout ?? '';
    // conntrack -L prints its "N flow entries" summary on stderr; the collector keeps it.
    if (argv[0] === 'conntrack' && argv[1] === '-L') output += stderr;
    writeFileSync(this.file(file), output);
    const firstLines = stderr.trim().split('\n').slice(0, 5).join('\n');
    this.commands.push(
      this.describe(argv, file, argv[0] as string, {
        exitCode,
        ...(exitCode === 0 || firstLines === '' ? {} : { stderr: firstLines }),
      }),
    );
  }

  private describe(
    argv: readonly string[],
    file: string,
    program: string,
    extra: Partial<ManifestCommand> = {},
  ): ManifestCommand {
    return {
      argv: [...argv],
      file,
      exitCode: 0,
      tool: toolFamily(program),
      version: toolVersion(program),
      ...extra,
    };
  }
}

function readKernelLog(human: boolean): string {
  try {
    return execFileSync('dmesg', human ? ['-T'] : [], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return '';
  }
}

const versions = new Map<string, string>();

/** First line of a tool's version output, as collect.sh's tool_version reads it. */
export function toolVersion(program: string): string {
  const cached = versions.get(program);
  if (cached !== undefined) return cached;
  const argv = program === 'ss' || program === 'ip' || program === 'nstat' ? ['-V'] : ['--version'];
  // Some tools print their version on stderr, some exit non-zero doing it.
  const result = spawnSync(program, argv, { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const version = (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
  versions.set(program, version);
  return version;
}
