import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { json } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import {
  AnalysisRepository,
  ArtifactRepository,
  ArtifactStatus,
  createPrismaClient,
  type PrismaClient,
} from '@netmortem/db';
import { collectCapturePackets } from '@netmortem/evidence';
import type { PacketVerdict, ReplayInputSummary, TimelineEvent } from '@netmortem/simulator';
import { createObjectStore, type ObjectStore } from '@netmortem/storage';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBundle } from '@test/support/seed.js';
import { REPO_ROOT } from '@test/support/service-process.js';
import { createTestDatabase, type TestDatabase } from '@test/support/test-database.js';
import type { WorkerEnv } from '../../config/worker-config.js';
import type { SimulationReport } from '../simulation/simulation-document.js';
import type { StageContext } from '../stage-handler.js';
import { ParseStage } from './parse.stage.js';
import { SimulateStage } from './simulate.stage.js';
import { StoredEvidence } from '../stored-evidence.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples/client-node-kube-proxy');

interface StoredSimulation {
  input: ReplayInputSummary;
  packets: PacketVerdict[];
  timeline: TimelineEvent[];
  report: SimulationReport;
}

describe(SimulateStage.name, () => {
  let database: TestDatabase;
  let prisma: PrismaClient;
  let dataDir: string;
  let store: ObjectStore;
  let analyses: AnalysisRepository;
  let artifacts: ArtifactRepository;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient({ databaseUrl: database.url });
    dataDir = await mkdtemp(path.join(tmpdir(), 'nm-simulate-'));
    store = createObjectStore({ dataDir });
    analyses = new AnalysisRepository(prisma);
    artifacts = new ArtifactRepository(prisma);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A stored, parsed bundle of `files` (path in the bundle → bytes), as the stages before leave it. */
  async function parsedAnalysis(
    files: Record<string, Buffer>,
    maxPackets = 2_000_000,
  ): Promise<{ context: StageContext; sut: SimulateStage }> {
    const seeded = await seedBundle(prisma, `team-${Math.random().toString(36).slice(2)}`);
    const rows = [];
    for (const [name, bytes] of Object.entries(files)) {
      const stored = await store.put(Readable.from([bytes]));
      rows.push({
        path: name,
        kind: 'pending',
        sizeBytes: BigInt(stored.sizeBytes),
        sha256: stored.sha256,
        storageKey: stored.key,
        status: ArtifactStatus.PENDING,
        error: null,
        errorLocator: null,
      });
    }
    await artifacts.replaceForBundle(seeded.teamId, seeded.bundle.id, rows);
    const job = {
      analysisId: seeded.analysis.id,
      bundleId: seeded.bundle.id,
      teamId: seeded.teamId,
      requestId: 'req-sim',
    };
    const before = await analyses.findById(seeded.analysis.id);
    await new ParseStage(store, artifacts, analyses).run({ job, analysis: before!, log });
    const analysis = (await analyses.findById(seeded.analysis.id))!;
    const config = { SIMULATE_MAX_PACKETS: maxPackets } as WorkerEnv;
    return {
      context: { job, analysis, log },
      sut: new SimulateStage(store, config, new StoredEvidence(store, artifacts), analyses),
    };
  }

  async function example(): Promise<Record<string, Buffer>> {
    const files: Record<string, Buffer> = {};
    for (const name of await readdir(EXAMPLE))
      files[`node/${name}`] = await readFile(path.join(EXAMPLE, name));
    return files;
  }

  async function storedSimulation(analysisId: string): Promise<StoredSimulation> {
    const row = await analyses.findById(analysisId);
    expect(row?.simulationKey).toMatch(/^sha256\//);
    return (await json(
      (await store.get(row!.simulationKey!)).pipe(createGunzip()),
    )) as StoredSimulation;
  }

  it('should replay every packet of the capture with the bundle evidence and store it whole', async () => {
    const files = await example();
    files['node/uname.txt'] = Buffer.from(
      'Linux node-a 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 GNU/Linux\n',
    );
    const { context, sut } = await parsedAnalysis(files);
    const capture = await collectCapturePackets([
      {
        path: 'node/client.pcap',
        open: () => createReadStream(path.join(EXAMPLE, 'client.pcap')),
      },
    ]);

    const outcome = await sut.run(context);
    const stored = await storedSimulation(context.analysis.id);

    expect(outcome.state).toBe('done');
    // The rules, the ss listeners (local addresses) and the kernel release reached the replay.
    expect(stored.input).toMatchObject({
      packets: capture.packets.length,
      rulesets: 1,
      kernelProfile: '5.14-6.1',
      kernelFrom: '5.15.0-91-generic (node/uname.txt:1)',
    });
    expect(stored.input.localAddressSources.join(' ')).toContain('node/ss-tan.txt');
    expect(stored.packets.map((p) => [p.capture, p.index])).toEqual(
      capture.packets.map((p) => [p.locator.artifact, p.locator.packet]),
    );
    // Each connection opens with a SYN that conntrack sees as NEW; an answering SYN-ACK
    // belongs to the entry the SYN created and is ESTABLISHED (reply direction).
    const syns = stored.packets.filter((p) => p.summary.startsWith('SYN from'));
    expect(syns.length).toBeGreaterThan(0);
    for (const syn of syns)
      expect(syn).toMatchObject({ ctinfo: 'NEW', ctStateBefore: 'NONE', ctStateAfter: 'SYN_SENT' });
    const synAcks = stored.packets.filter((p) => p.summary.startsWith('SYN,ACK from'));
    expect(synAcks.length).toBeGreaterThan(0);
    for (const synAck of synAcks) {
      expect(syns.some((syn) => syn.entryId === synAck.entryId)).toBe(true);
      expect(synAck).toMatchObject({
        ctinfo: 'ESTABLISHED',
        ctStateBefore: 'SYN_SENT',
        ctStateAfter: 'SYN_RECV',
      });
    }
    const kinds = (kind: string) => stored.timeline.filter((e) => e.kind === kind).length;
    expect(stored.report).toMatchObject({
      packetsReplayed: capture.packets.length,
      invalid: stored.packets.filter((p) => p.ctinfo === 'INVALID').length,
      natSkipped: stored.packets.filter((p) => p.nat.skippedBecause !== undefined).length,
      renats: kinds('renatted'),
      expiries: kinds('expired'),
      anchorDisagreements: kinds('anchor-disagrees'),
      overCap: 0,
      captures: [{ path: 'node/client.pcap', packets: capture.packets.length, complete: true }],
      issues: [],
    });
    expect(outcome.note).toMatch(
      new RegExp(
        `^${capture.packets.length} packets replayed: ${stored.report.invalid} INVALID packets?, NAT skipped for ${stored.report.natSkipped} packets?, ${stored.report.renats} re-NATs?, ${stored.report.expiries} conntrack expir(y|ies), ${stored.report.anchorDisagreements} anchor disagreements?$`,
      ),
    );
  });

  it('should replay only up to the packet cap and count the rest in the note', async () => {
    const files = await example();
    const { context, sut } = await parsedAnalysis(files, 10);
    const total = (
      await collectCapturePackets([
        { path: 'c', open: () => Readable.from([files['node/client.pcap']!]) },
      ])
    ).packets.length;

    const outcome = await sut.run(context);
    const stored = await storedSimulation(context.analysis.id);

    expect(stored.packets).toHaveLength(10);
    expect(stored.report).toMatchObject({ overCap: total - 10, maxPackets: 10 });
    expect(outcome.note).toContain(`${total - 10} packets over the cap of 10 not replayed`);
  });

  it('should finish with nothing to replay when the bundle holds no capture', async () => {
    const { context, sut } = await parsedAnalysis({
      'uname.txt': Buffer.from('Linux node-a 6.8.0-45-generic #45-Ubuntu SMP x86_64 GNU/Linux\n'),
    });

    const outcome = await sut.run(context);

    expect(outcome).toEqual({
      state: 'done',
      note: 'nothing to replay: the bundle holds no capture (pcap or pcapng)',
    });
    expect((await analyses.findById(context.analysis.id))?.simulationKey).toBeNull();
  });

  it('should replay what a truncated capture held and report where it broke', async () => {
    const pcap = await readFile(path.join(EXAMPLE, 'client.pcap'));
    const cut = pcap.subarray(0, pcap.length - 5);
    const { context, sut } = await parsedAnalysis({ 'cut.pcap': cut });
    const held = (
      await collectCapturePackets([{ path: 'cut.pcap', open: () => Readable.from([cut]) }])
    ).packets.length;

    const outcome = await sut.run(context);
    const stored = await storedSimulation(context.analysis.id);

    expect(outcome.state).toBe('done');
    expect(outcome.note).toMatch(/; 1 capture issue\(s\)$/);
    expect(stored.packets).toHaveLength(held);
    expect(stored.report.captures).toEqual([
      { path: 'cut.pcap', packets: held, overCap: 0, complete: false },
    ]);
    expect(stored.report.issues[0]?.locator).toMatchObject({
      artifact: 'cut.pcap',
      packet: held + 1,
    });
  });
});
