import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectCapturePackets } from '@netmortem/evidence';
import { replayEvidence } from '@netmortem/simulator';
import { describe, expect, it } from 'vitest';
import { simulationJsonChunks, type SimulationReport } from './simulation-document.js';

const CAPTURE = fileURLToPath(
  new URL('../../../../../examples/client-node-kube-proxy/client.pcap', import.meta.url),
);

describe(simulationJsonChunks.name, () => {
  it('should write the same document as the whole report, a chunk at a time, with the counts last', async () => {
    const reading = await collectCapturePackets([
      { path: 'client.pcap', open: () => createReadStream(CAPTURE) },
    ]);
    const run = replayEvidence({ packets: reading.packets });
    const reports: SimulationReport[] = [];

    const chunks = [...simulationJsonChunks(run, reading, (report) => reports.push(report))];
    const document = JSON.parse(chunks.join('')) as Record<string, unknown>;

    const whole = run.report();
    expect(Object.keys(document)).toEqual(['input', 'packets', 'timeline', 'report']);
    expect(document.input).toEqual(whole.input);
    expect(document.packets).toEqual(whole.packets);
    expect(document.timeline).toEqual(whole.timeline);
    expect(reports).toHaveLength(1);
    expect(document.report).toEqual(reports[0]);
    expect(reports[0]).toMatchObject({
      packetsReplayed: whole.packets.length,
      invalid: whole.packets.filter((p) => p.ctinfo === 'INVALID').length,
      expiries: whole.timeline.filter((e) => e.kind === 'expired').length,
      captures: reading.captures,
    });
  });

  it('should write valid JSON for packet counts around the chunk size', async () => {
    const reading = await collectCapturePackets([
      { path: 'client.pcap', open: () => createReadStream(CAPTURE) },
    ]);
    // 512 verdicts per chunk: repeat the capture's packets (shifted in time) past one chunk.
    const packets = Array.from({ length: 13 * 40 }, (_, i) => {
      const packet = reading.packets[i % reading.packets.length]!;
      return { ...packet, timeUs: packet.timeUs + Math.floor(i / 40) * 600_000_000 };
    });
    const run = replayEvidence({ packets });

    const document = JSON.parse(
      [...simulationJsonChunks(run, reading, () => undefined)].join(''),
    ) as { packets: unknown[] };

    expect(document.packets).toHaveLength(run.packetCount);
    expect(run.packetCount).toBeGreaterThan(512);
  });
});
