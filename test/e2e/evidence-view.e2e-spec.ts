import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@test/support/api-client.js';
import { tarGz } from '@test/support/bundle-builder.js';
import { LAB_BUNDLES } from '@test/support/lab-fixtures.js';
import { TestStack } from '@test/support/test-stack.js';

const LAB = path.join(LAB_BUNDLES, 'ct-invalid-not-natted-rst', 'sidecar-redirect-full-artifacts');

const FINDINGS = `query ($id: ID!) {
  analysis(id: $id) {
    bundleId
    findings { flow evidence narrative { time text evidence } nextEvidence notes }
  }
}`;

const FLOW_TRACE = `query ($id: ID!, $client: String!, $server: String!, $backend: String) {
  analysis(id: $id) {
    flowTrace(client: $client, server: $server, backend: $backend) {
      available totalPackets
      packets
      events { kind entryId }
    }
  }
}`;

const CAPTURE = `query ($id: ID!, $capture: String!, $packet: Int!) {
  analysis(id: $id) {
    capturePackets(capture: $capture, packet: $packet, radius: 2) { available packets { index summary } }
  }
}`;

const TEXT = `query ($bundleId: ID!, $path: String!, $line: Int!, $radius: Int!) {
  artifactText(bundleId: $bundleId, path: $path, line: $line, radius: $radius) {
    path endOfFile lines { number text }
  }
}`;

interface Pointer {
  artifact: string;
  locator: string;
}
interface FindingsData {
  analysis: {
    bundleId: string;
    findings: {
      flow: { client: string; server: string; backend?: string };
      evidence: Pointer[];
      narrative: { time: string | null; text: string }[];
      nextEvidence: string[];
      notes: string[];
    }[];
  };
}
interface TraceData {
  analysis: {
    flowTrace: {
      available: boolean;
      totalPackets: number;
      packets: {
        capture: string;
        index: number;
        from: string;
        to: string;
        flags: string | null;
        entryId?: number;
        invalidReason?: string;
        natSkippedBecause?: string;
        responseKind?: string;
      }[];
      events: { kind: string; entryId: number | null }[];
    };
  } | null;
}

// The incident page's reads: the report's narrative on each finding, the failing flow from the
// stored simulation, and windows into artifacts, all scoped to the caller's team.
describe('evidence views for the incident page', () => {
  let stack: TestStack;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let analysisId: string;
  let findings: FindingsData['analysis'];

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    alpha = stack.client(await stack.createToken('alpha'));
    bravo = stack.client(await stack.createToken('bravo'));
    const incidentId = await alpha.createIncident('invalid rst');
    const files = readdirSync(LAB).map((name) => ({
      path: name,
      content: readFileSync(path.join(LAB, name)),
    }));
    const upload = await alpha.upload(incidentId, await tarGz(files), 'lab.tar.gz');
    analysisId = String(upload.body.analysisId);
    const done = await alpha.waitForAnalysis(analysisId, 90_000);
    expect(done.status, stack.logs()).toBe('SUCCEEDED');
    findings = (await alpha.data<FindingsData>(FINDINGS, { id: analysisId })).analysis;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('should give each finding its narrative, next evidence and notes from the stored report', () => {
    const [top] = findings.findings;
    expect(top?.narrative.length).toBeGreaterThan(0);
    expect(top?.narrative.every((step) => step.text.length > 0)).toBe(true);
    expect(Array.isArray(top?.nextEvidence)).toBe(true);
    expect(Array.isArray(top?.notes)).toBe(true);
  });

  it("should trace the finding's flow with its INVALID packet, NAT skipped, and its conntrack entry", async () => {
    const flow = findings.findings[0]!.flow;
    const data = await alpha.data<TraceData>(FLOW_TRACE, { id: analysisId, ...flow });
    const trace = data.analysis!.flowTrace;
    expect(trace.available).toBe(true);
    expect(trace.totalPackets).toBe(trace.packets.length);
    expect(trace.packets.length).toBeGreaterThan(2);
    expect(trace.packets.some((p) => p.from === flow.client || p.to === flow.client)).toBe(true);
    expect(trace.packets.some((p) => p.invalidReason !== undefined)).toBe(true);
    expect(trace.packets.some((p) => p.natSkippedBecause !== undefined)).toBe(true);
    const entries = new Set(
      trace.packets.flatMap((p) => (p.entryId === undefined ? [] : [p.entryId])),
    );
    expect(trace.events.length).toBeGreaterThan(0);
    expect(trace.events.every((e) => e.entryId !== null && entries.has(e.entryId))).toBe(true);
  });

  it('should list the capture packets around an evidence packet', async () => {
    const pointer = findings.findings[0]!.evidence.find((e) => /^packet \d+$/.test(e.locator))!;
    const packet = Number(pointer.locator.split(' ')[1]);
    const data = await alpha.data<{
      analysis: { capturePackets: { available: boolean; packets: { index: number }[] } };
    }>(CAPTURE, { id: analysisId, capture: pointer.artifact, packet });
    const window = data.analysis.capturePackets;
    expect(window.available).toBe(true);
    expect(window.packets.map((p) => p.index)).toContain(packet);
    expect(window.packets.every((p) => Math.abs(p.index - packet) <= 2)).toBe(true);
  });

  it('should return a window of lines of a text artifact, numbered from 1', async () => {
    const expected = readFileSync(path.join(LAB, 'sysctl-net.txt'), 'utf8').split('\n');
    const data = await alpha.data<{
      artifactText: { endOfFile: boolean; lines: { number: number; text: string }[] };
    }>(TEXT, { bundleId: findings.bundleId, path: 'sysctl-net.txt', line: 20, radius: 3 });
    expect(data.artifactText.endOfFile).toBe(false);
    expect(data.artifactText.lines).toEqual(
      [17, 18, 19, 20, 21, 22, 23].map((number) => ({ number, text: expected[number - 1] })),
    );
  });

  it('should show none of it to another team, and refuse a window that is too large', async () => {
    const trace = await bravo.data<TraceData>(FLOW_TRACE, {
      id: analysisId,
      ...findings.findings[0]!.flow,
    });
    expect(trace.analysis).toBeNull();
    const text = await bravo.graphql(TEXT, {
      bundleId: findings.bundleId,
      path: 'sysctl-net.txt',
      line: 1,
      radius: 3,
    });
    expect(text.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const huge = await alpha.graphql(TEXT, {
      bundleId: findings.bundleId,
      path: 'sysctl-net.txt',
      line: 1,
      radius: 100_000,
    });
    expect(huge.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
