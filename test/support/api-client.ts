import { readFile } from 'node:fs/promises';

export interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface UploadResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Talks to a running API the way tools do: GraphQL and multipart over HTTP. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  private headers(): Record<string, string> {
    return {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...this.extraHeaders,
    };
  }

  async graphql<T>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphqlResponse<T>> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers() },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlResponse<T>;
  }

  /** Like graphql(), but fails the test on any GraphQL error. */
  async data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.graphql<T>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  async createIncident(title: string, labels: Record<string, string> = {}): Promise<string> {
    const data = await this.data<{ createIncident: { id: string } }>(
      'mutation ($input: CreateIncidentInput!) { createIncident(input: $input) { id } }',
      { input: { title, labels } },
    );
    return data.createIncident.id;
  }

  async upload(
    incidentId: string,
    content: Buffer | string,
    filename: string,
    headers: Record<string, string> = {},
  ): Promise<UploadResponse> {
    const bytes = typeof content === 'string' ? await readFile(content) : content;
    const form = new FormData();
    form.append('file', new Blob([bytes]), filename);
    const response = await fetch(`${this.baseUrl}/api/incidents/${incidentId}/bundles`, {
      method: 'POST',
      headers: { ...this.headers(), ...headers },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async waitForAnalysis(analysisId: string, timeoutMs = 60_000): Promise<AnalysisSnapshot> {
    const deadline = Date.now() + timeoutMs;
    let last: AnalysisSnapshot | null = null;
    while (Date.now() < deadline) {
      const data = await this.data<{ analysis: AnalysisSnapshot | null }>(ANALYSIS_QUERY, {
        id: analysisId,
      });
      last = data.analysis;
      if (last && (last.status === 'SUCCEEDED' || last.status === 'FAILED')) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `analysis ${analysisId} did not finish within ${timeoutMs} ms; last state ${JSON.stringify(last)}`,
    );
  }
}

export const ANALYSIS_QUERY = `query ($id: ID!) {
  analysis(id: $id) {
    id status stage progress error errorCode attempts catalogueVersion
    stages { name state note }
    bundle { id originalName sha256 artifacts { path kind status error errorLocator sizeBytes } }
    findings { id rootCauseId confidence }
  }
}`;

export interface AnalysisSnapshot {
  id: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  stage: string | null;
  progress: number;
  error: string | null;
  errorCode: string | null;
  attempts: number;
  catalogueVersion: string | null;
  stages: { name: string; state: string; note: string | null }[];
  bundle: {
    id: string;
    originalName: string;
    sha256: string;
    artifacts: {
      path: string;
      kind: string;
      status: string;
      error: string | null;
      errorLocator: string | null;
      sizeBytes: number;
    }[];
  };
  findings: { id: string; rootCauseId: string; confidence: number }[];
}
