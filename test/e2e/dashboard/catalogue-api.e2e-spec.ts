import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '@test/support/api-client.js';
import {
  createPasswordUser,
  labBundleTarGz,
  signInCookie,
} from '@test/support/dashboard-fixtures.js';
import { TestStack } from '@test/support/test-stack.js';

const ENTRY_QUERY = `query ($id: ID!) {
  rootCause(id: $id) {
    id title builtin mechanism
    signatures { kind what example }
    affected { kernel istio other }
    sysctls { key default role }
    remediationOptions { id title provable steps { label language code } tradeoffs }
    verification references { title url }
    lab { command description variants { id command description } kernelNotes }
    matches(first: 3) { count latest { incidentId title status confidence } }
    reviewRecord { confirmed rejected confirmationRate }
  }
}`;

interface EntryData {
  rootCause: {
    id: string;
    builtin: boolean;
    mechanism: string[];
    signatures: { kind: string }[];
    sysctls: { key: string; default: string | null }[];
    remediationOptions: { id: string; provable: boolean; steps: { code: string }[] }[];
    lab: { command: string; variants: { id: string; command: string }[] };
    matches: {
      count: number;
      latest: { incidentId: string; title: string; status: string; confidence: number }[];
    };
    reviewRecord: { confirmed: number; rejected: number; confirmationRate: number | null };
  } | null;
}

const ENTRY = 'ct-invalid-not-natted-rst';

// The catalogue page's data: the whole entry typed, the incidents of the team it matched and
// how the team's reviewers judged it; plus the password users the browser tests sign in as.
describe('catalogue entry over GraphQL: the entry, its matches, its review record', () => {
  let stack: TestStack;
  let alpha: ApiClient;
  let beta: ApiClient;
  let incidentId: string;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    alpha = stack.client(await stack.createToken('alpha'));
    beta = stack.client(await stack.createToken('beta'));
    incidentId = await alpha.createIncident('uploads reset through the sidecar');
    const upload = await alpha.upload(
      incidentId,
      await labBundleTarGz(ENTRY, 'sidecar-redirect-full-artifacts'),
      'sidecar.tar.gz',
    );
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const done = await alpha.waitForAnalysis(String(upload.body.analysisId), 90_000);
    expect(done.status, stack.logs()).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('returns every part of a built-in entry, typed, with the lab commands', async () => {
    const { rootCause } = await alpha.data<EntryData>(ENTRY_QUERY, { id: ENTRY });
    expect(rootCause?.builtin).toBe(true);
    expect(rootCause!.mechanism.length).toBeGreaterThan(3);
    expect(rootCause!.signatures.map((s) => s.kind)).toContain('pcap');
    expect(rootCause!.sysctls[0]).toMatchObject({
      key: 'net.netfilter.nf_conntrack_tcp_be_liberal',
      default: '0',
    });
    const dropInvalid = rootCause!.remediationOptions.find((o) => o.id === 'drop-invalid');
    expect(dropInvalid?.provable).toBe(true);
    expect(rootCause!.lab.command).toBe(`sudo npx netmortem lab run ${ENTRY}`);
    expect(rootCause!.lab.variants.map((v) => v.id)).toContain('sidecar-redirect-full-artifacts');
  });

  it('counts the incidents of the team that matched it and its reviews, and only those', async () => {
    const before = await alpha.data<EntryData>(ENTRY_QUERY, { id: ENTRY });
    expect(before.rootCause!.matches.count).toBe(1);
    expect(before.rootCause!.matches.latest[0]).toMatchObject({
      incidentId,
      title: 'uploads reset through the sidecar',
      status: 'OPEN',
    });
    expect(before.rootCause!.reviewRecord).toEqual({
      confirmed: 0,
      rejected: 0,
      confirmationRate: null,
    });

    const findings = await alpha.data<{
      incident: { analyses: { findings: { id: string; rootCauseId: string }[] }[] };
    }>('query ($id: ID!) { incident(id: $id) { analyses { findings { id rootCauseId } } } }', {
      id: incidentId,
    });
    const finding = findings.incident.analyses[0]!.findings.find((f) => f.rootCauseId === ENTRY)!;
    await alpha.data(
      'mutation ($id: ID!) { reviewFinding(findingId: $id, verdict: CONFIRMED, note: "seen it") { id } }',
      { id: finding.id },
    );
    const after = await alpha.data<EntryData>(ENTRY_QUERY, { id: ENTRY });
    expect(after.rootCause!.reviewRecord).toEqual({
      confirmed: 1,
      rejected: 0,
      confirmationRate: 1,
    });

    const otherTeam = await beta.data<EntryData>(ENTRY_QUERY, { id: ENTRY });
    expect(otherTeam.rootCause!.matches).toEqual({ count: 0, latest: [] });
    expect(otherTeam.rootCause!.reviewRecord.confirmed).toBe(0);
  });

  it('signs in a user made with netmortem admin create-user, in that team only', async () => {
    const user = await createPasswordUser(stack, 'alpha', 'member');
    const cookie = await signInCookie(stack.baseUrl, user);
    const response = await fetch(`${stack.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netmortem-csrf': '1', cookie },
      body: JSON.stringify({ query: '{ me { role team { name } } }' }),
    });
    const body = (await response.json()) as {
      data: { me: { role: string; team: { name: string } } };
    };
    expect(body.data.me).toEqual({ role: 'MEMBER', team: { name: 'alpha' } });
    await expect(createPasswordUser(stack, 'alpha', 'member')).rejects.toThrow(/already exists/);
  });
});
