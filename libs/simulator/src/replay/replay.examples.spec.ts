import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Packet } from '@netmortem/domain';
import {
  bytesSource,
  capturePackets,
  collectBundleEvidence,
  IssueCollector,
} from '@netmortem/evidence';
import { describe, expect, it } from 'vitest';
import { replayEvidence } from './replay.js';
import type { ReplayEvidence } from './replay-types.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** A bundle folder read the way the CLI reads it: the evidence, plus the captures' packets. */
async function loadBundle(folder: string): Promise<ReplayEvidence> {
  const root = path.join(EXAMPLES, folder);
  const names = (await readdir(root)).sort();
  const evidence = await collectBundleEvidence(
    await Promise.all(
      names.map(async (name) => {
        const bytes = await readFile(path.join(root, name));
        return {
          path: name,
          sizeBytes: bytes.length,
          open: () => Promise.resolve(bytesSource(bytes)),
        };
      }),
    ),
  );
  const packets: Packet[] = [];
  for (const capture of evidence.captures) {
    const bytes = await readFile(path.join(root, capture.artifact));
    const issues = new IssueCollector(capture.artifact);
    for await (const packet of capturePackets(bytesSource(bytes), capture.artifact, issues))
      packets.push(packet);
  }
  return { ...evidence, packets };
}

describe('replay over the example bundles', () => {
  it('tracks every handshake of the client-node capture to ESTABLISHED and closes them', async () => {
    const evidence = await loadBundle('client-node-kube-proxy');
    const run = replayEvidence(evidence);
    const report = run.report();
    expect(report.packets).toHaveLength(evidence.packets.length);
    // The capture holds three complete IPv4 conversations with port 80 (SYN … FIN/ACK):
    // each must create one entry and walk it through ESTABLISHED into TIME_WAIT.
    const syns = evidence.packets.filter((p) => p.tcp && (p.tcp.flags & 0x12) === 0x02);
    for (const syn of syns) {
      const verdict = report.packets.find(
        (p) => p.capture === syn.locator.artifact && p.index === syn.locator.packet,
      );
      expect(verdict?.ctinfo).toBe('NEW');
    }
    const created = report.timeline.filter((e) => e.kind === 'created');
    expect(created.length).toBe(syns.length);
    const reachedEstablished = new Set(
      report.timeline
        .filter((e) => e.kind === 'updated' && e.to === 'ESTABLISHED')
        .map((e) => e.entryId),
    );
    expect(reachedEstablished.size).toBeGreaterThanOrEqual(3);
    expect(report.packets.every((p) => p.ctinfo !== 'INVALID')).toBe(true);
    // A well-formed capture: the replay runs on the host that sent the SYNs.
    expect(run.input.localAddresses).toContain('10.77.0.1');
    // The capture ends right after the IPv6 SYN, while ss (taken later) lists that connection
    // in TIME-WAIT: the one socket anchor the replay cannot agree with.
    const lastSyn = syns[syns.length - 1];
    const disagreements = report.timeline.filter((e) => e.kind === 'anchor-disagrees');
    expect(disagreements).toHaveLength(1);
    expect(disagreements[0]?.note).toContain(`]:${lastSyn?.srcPort} <-> `);
    expect(disagreements[0]?.anchor).toMatch(/^ss-tan\.txt:\d+$/);
  });

  it('reads the kernel and sysctls of the sidecar snapshot and compares its conntrack anchors', async () => {
    const evidence = await loadBundle('sidecar-node-snapshot');
    const run = replayEvidence(evidence);
    expect(run.input.kernelProfile).toBe('5.14-6.1');
    expect(run.input.kernelFrom).toContain('6.1.0-26-amd64');
    const timeline = run.timeline();
    // Its capture was taken on the client, its conntrack table on the server, where
    // REDIRECT rewrote port 80 to 8080: the anchors disagree with a replay of the client.
    expect(timeline.some((e) => e.kind === 'anchor-disagrees' || e.kind === 'seeded')).toBe(true);
  });
});
