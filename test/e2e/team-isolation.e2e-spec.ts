import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, tarGz } from '@test/support/bundle-builder.js';
import type { ApiClient } from '@test/support/api-client.js';
import { TestStack } from '@test/support/test-stack.js';

// Every resolver and route authorises by team; anonymous callers get nothing.
describe('authentication and team isolation', () => {
  let stack: TestStack;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let alphaIncident: string;
  let alphaBundle: string;
  let alphaAnalysis: string;

  beforeAll(async () => {
    stack = await TestStack.start({ queue: 'redis' });
    alpha = stack.client(await stack.createToken('alpha'));
    bravo = stack.client(await stack.createToken('bravo'));
    alphaIncident = await alpha.createIncident('alpha only');
    const upload = await alpha.upload(alphaIncident, await tarGz(SAMPLE_FILES), 'a.tgz');
    alphaBundle = String(upload.body.bundleId);
    alphaAnalysis = String(upload.body.analysisId);
    await alpha.waitForAnalysis(alphaAnalysis);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("should not let team bravo read team alpha's incident, bundle or analysis", async () => {
    const incident = await bravo.data<{ incident: unknown }>(
      'query ($id: ID!) { incident(id: $id) { id } }',
      { id: alphaIncident },
    );
    expect(incident.incident).toBeNull();
    const analysis = await bravo.data<{ analysis: unknown }>(
      'query ($id: ID!) { analysis(id: $id) { id } }',
      { id: alphaAnalysis },
    );
    expect(analysis.analysis).toBeNull();
    const list = await bravo.data<{ incidents: { nodes: unknown[] } }>(
      '{ incidents { nodes { id } } }',
    );
    expect(list.incidents.nodes).toEqual([]);
  });

  it("should not let team bravo change or add to team alpha's incident", async () => {
    const update = await bravo.graphql(
      'mutation ($id: ID!) { updateIncident(id: $id, input: { status: RESOLVED }) { id } }',
      { id: alphaIncident },
    );
    expect(update.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const comment = await bravo.graphql(
      'mutation ($id: ID!) { addComment(incidentId: $id, body: "hi") { id } }',
      { id: alphaIncident },
    );
    expect(comment.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const reanalyze = await bravo.graphql(
      'mutation ($id: ID!) { reanalyzeBundle(bundleId: $id) { id } }',
      { id: alphaBundle },
    );
    expect(reanalyze.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const upload = await bravo.upload(alphaIncident, Buffer.from('x'), 'x.txt');
    expect(upload.status).toBe(404);
    const download = await fetch(`${stack.baseUrl}/api/bundles/${alphaBundle}/download`, {
      headers: { authorization: `Bearer ${await stack.createToken('bravo')}` },
    });
    expect(download.status).toBe(404);
  });

  it('should refuse anonymous and unknown callers everywhere', async () => {
    const anonymous = stack.client(null);
    for (const query of [
      '{ me { id } }',
      '{ incidents { nodes { id } } }',
      '{ rootCauses { id } }',
    ]) {
      const result = await anonymous.graphql(query);
      expect(result.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
    }
    expect((await anonymous.upload(alphaIncident, Buffer.from('x'), 'x.txt')).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/api/bundles/${alphaBundle}/download`)).status).toBe(401);
    const forged = await stack.client('nmt_not-a-real-token').graphql('{ me { id } }');
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Health probes stay open for orchestrators, and the collector script for nodes.
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
    const script = await fetch(`${stack.baseUrl}/collect.sh`);
    expect(script.status).toBe(200);
    expect(await script.text()).toMatch(/^#!\/bin\/sh/);
  });

  it('should stop honouring a revoked token', async () => {
    const secret = await stack.createToken('alpha', 'member');
    const member = stack.client(secret);
    const me = await member.data<{ me: { id: string; role: string } }>('{ me { id role } }');
    expect(me.me.role).toBe('MEMBER');
    const revoked = await alpha.data<{ revokeApiToken: { revokedAt: string | null } }>(
      'mutation ($id: ID!) { revokeApiToken(id: $id) { revokedAt } }',
      { id: me.me.id },
    );
    expect(revoked.revokeApiToken.revokedAt).not.toBeNull();
    expect((await member.graphql('{ me { id } }')).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('should create tokens that are shown once and stored only as hashes', async () => {
    const created = await alpha.data<{
      createApiToken: { secret: string; token: { id: string; prefix: string } };
    }>(
      'mutation { createApiToken(input: { name: "ci", expiresInDays: 30 }) { secret token { id prefix } } }',
    );
    const { secret, token } = created.createApiToken;
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(
      (await stack.client(secret).data<{ me: { name: string } }>('{ me { name } }')).me.name,
    ).toBe('ci');
    const listed = await alpha.data<{ apiTokens: Record<string, unknown>[] }>(
      '{ apiTokens { id name prefix } }',
    );
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('should let a person sign in with a session cookie and require the CSRF header on REST writes', async () => {
    const banner = stack.api.text.match(/as (\S+) with password: (\S+)/);
    expect(banner, 'first-run banner with admin credentials').not.toBeNull();
    const [, email, password] = banner!;
    const wrong = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: `${password}x` }),
    });
    expect(wrong.status).toBe(401);
    const login = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/nm_session=nms_/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;

    const person = stack.client(null, { cookie });
    const me = await person.data<{ me: { kind: string; team: { name: string } } }>(
      '{ me { kind team { name } } }',
    );
    expect(me.me).toEqual({ kind: 'user', team: { name: 'default' } });
    const incidentId = await person.createIncident('signed-in person');
    expect((await person.upload(incidentId, Buffer.from('hello'), 'note.txt')).status).toBe(403);
    expect(
      (
        await person.upload(incidentId, Buffer.from('hello'), 'note.txt', {
          'x-netmortem-csrf': '1',
        })
      ).status,
    ).toBe(201);
    // Apollo's CSRF prevention refuses a GraphQL request a cross-site form could send.
    const simple = await fetch(
      `${stack.baseUrl}/graphql?query=${encodeURIComponent('{ me { id } }')}`,
      { headers: { cookie } },
    );
    expect(simple.status).toBe(400);
  });
});
