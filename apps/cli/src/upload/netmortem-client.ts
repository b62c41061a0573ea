import { Readable } from 'node:stream';
import { multipartBody } from './multipart-body.js';

export interface UploadResponse {
  readonly bundleId: string;
  readonly analysisId: string | null;
  readonly duplicate: boolean;
}

/** The few server calls the CLI makes, over the public HTTP and GraphQL interfaces. */
export class NetmortemClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(new URL('/graphql', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const payload = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (payload.errors?.length) {
      throw new Error(`GraphQL: ${payload.errors.map((error) => error.message).join('; ')}`);
    }
    if (!response.ok || !payload.data) throw new Error(`GraphQL: HTTP ${response.status}`);
    return payload.data;
  }

  async createIncident(input: {
    title: string;
    description?: string;
    labels?: Record<string, string>;
  }): Promise<string> {
    const data = await this.graphql<{ createIncident: { id: string } }>(
      'mutation Create($input: CreateIncidentInput!) { createIncident(input: $input) { id } }',
      { input },
    );
    return data.createIncident.id;
  }

  async uploadBundle(
    incidentId: string,
    filename: string,
    file: Readable,
  ): Promise<UploadResponse> {
    const { contentType, body } = multipartBody('file', filename, file);
    const response = await fetch(new URL(`/api/incidents/${incidentId}/bundles`, this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${this.token}` },
      body: Readable.toWeb(Readable.from(body)),
      duplex: 'half',
    });
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(
        `upload refused (HTTP ${response.status}): ${typeof payload.message === 'string' ? payload.message : 'no message'}`,
      );
    }
    return payload as unknown as UploadResponse;
  }

  async analysis(id: string): Promise<AnalysisView> {
    const data = await this.graphql<{ analysis: AnalysisView | null }>(
      `query Analysis($id: ID!) { analysis(id: $id) {
         id status stage progress error
         stages { name state note }
         bundle { artifacts { path kind status error } }
         findings { rootCauseId confidence summary }
       } }`,
      { id },
    );
    if (!data.analysis) throw new Error(`analysis ${id} not found`);
    return data.analysis;
  }
}

export interface AnalysisView {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  stage: string | null;
  progress: number;
  error: string | null;
  stages: { name: string; state: string; note: string | null }[];
  bundle: { artifacts: { path: string; kind: string; status: string; error: string | null }[] };
  findings: { rootCauseId: string; confidence: number; summary: string }[];
}
