import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@test/support/api-client.js';
import { tarGz } from '@test/support/bundle-builder.js';
import { LAB_BUNDLES } from '@test/support/lab-fixtures.js';
import { TestStack } from '@test/support/test-stack.js';

function bundleFiles(dir: string): { path: string; content: Buffer }[] {
  return readdirSync(dir).map((name) => ({
    path: name,
    content: readFileSync(path.join(dir, name)),
  }));
}

const FINDINGS_QUERY = `query ($id: ID!) {
  incident(id: $id) {
    analyses {
      status
      stages { name state note }
      findings {
        rootCause { id title remediation }
        confidence summary flow evidence evidenceAgainst remediation
      }
    }
  }
}`;

interface FindingsData {
  incident: {
    analyses: {
      status: string;
      stages: { name: string; state: string; note: string | null }[];
      findings: {
        rootCause: { id: string; title: string; remediation: { id: string }[] } | null;
        confidence: number;
        summary: string;
        flow: { client: string; server: string } | null;
        evidence: { artifact: string; locator: string; note: string }[];
        evidenceAgainst: unknown[];
        remediation: { id: string; proof?: { verdict: string } }[];
      }[];
    }[];
  };
}

// The service path of issue 5: a lab bundle uploaded through the API is unpacked, parsed,
// replayed and matched by the worker, and its findings come back over GraphQL with the
// catalogue entry, the evidence and the remediation (with its what-if proof).
describe('upload → worker match → findings over GraphQL', () => {
  let stack: TestStack;
  let client: ApiClient;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    client = stack.client(await stack.createToken('findings'));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function analyse(
    lab: string,
    variant: string,
  ): Promise<FindingsData['incident']['analyses'][number]> {
    const incidentId = await client.createIncident(`${lab} ${variant}`);
    const upload = await client.upload(
      incidentId,
      await tarGz(bundleFiles(path.join(LAB_BUNDLES, lab, variant))),
      `${variant}.tar.gz`,
    );
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const done = await client.waitForAnalysis(String(upload.body.analysisId), 90_000);
    expect(done.status, stack.logs()).toBe('SUCCEEDED');
    const data = await client.data<FindingsData>(FINDINGS_QUERY, { id: incidentId });
    return data.incident.analyses[0]!;
  }

  it('finds the INVALID packet that skipped NAT, with its proof that dropping INVALID helps', async () => {
    const analysis = await analyse('ct-invalid-not-natted-rst', 'sidecar-redirect-full-artifacts');
    expect(analysis.stages.find((s) => s.name === 'match')?.note).toMatch(
      /^1 finding\(s\); top: ct-invalid-not-natted-rst/,
    );
    const [top] = analysis.findings;
    expect(top?.rootCause?.id).toBe('ct-invalid-not-natted-rst');
    expect(top!.rootCause!.remediation.map((r) => r.id)).toContain('drop-invalid');
    expect(top!.confidence).toBeGreaterThan(0.9);
    expect(top!.flow?.server).toMatch(/:8080$/);
    expect(
      top!.evidence.some((e) => e.artifact === 'capture.pcap' && /^packet \d+$/.test(e.locator)),
    ).toBe(true);
    expect(top!.remediation.find((r) => r.id === 'drop-invalid')?.proof?.verdict).toBe(
      'removes-failure',
    );
  });

  it('stores no finding for a healthy bundle', async () => {
    const analysis = await analyse('healthy-sidecar-redirect', 'inbound-redirect-full-artifacts');
    expect(analysis.findings).toEqual([]);
    expect(analysis.stages.find((s) => s.name === 'match')?.note).toMatch(/^no known root cause/);
  });
});
