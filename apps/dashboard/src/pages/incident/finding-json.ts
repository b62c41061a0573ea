/** The JSON fields of a finding, read defensively: rows from older analyses may lack parts. */

export interface EvidencePointer {
  readonly artifact: string;
  readonly locator: string;
  readonly note: string;
}

export interface RemediationStep {
  readonly label?: string;
  readonly language: string;
  readonly code: string;
}

export interface RemediationProof {
  readonly verdict: 'removes-failure' | 'does-not-remove-failure' | 'not-modelled';
  readonly detail: string;
  readonly changes: readonly string[];
}

export interface Remediation {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly RemediationStep[];
  readonly tradeoffs: readonly string[];
  readonly proof: RemediationProof | null;
}

export interface FlowRef {
  readonly client: string;
  readonly server: string;
  readonly backend?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
const texts = (value: unknown): string[] =>
  list(value).filter((item): item is string => typeof item === 'string');

export function evidencePointer(value: unknown): EvidencePointer | null {
  if (!isObject(value) || !text(value.artifact)) return null;
  return { artifact: text(value.artifact), locator: text(value.locator), note: text(value.note) };
}

export function evidencePointers(value: unknown): EvidencePointer[] {
  return list(value).flatMap((item) => evidencePointer(item) ?? []);
}

const VERDICTS = new Set(['removes-failure', 'does-not-remove-failure', 'not-modelled']);

export function remediations(value: unknown): Remediation[] {
  return list(value).flatMap((item) => {
    if (!isObject(item)) return [];
    const proof =
      isObject(item.proof) && VERDICTS.has(text(item.proof.verdict)) ? item.proof : null;
    return [
      {
        id: text(item.id),
        title: text(item.title) || text(item.id),
        steps: list(item.steps).flatMap((step) =>
          isObject(step) && text(step.code)
            ? [
                {
                  label: text(step.label) || undefined,
                  language: text(step.language),
                  code: text(step.code),
                },
              ]
            : [],
        ),
        tradeoffs: texts(item.tradeoffs),
        proof: proof
          ? {
              verdict: text(proof.verdict) as RemediationProof['verdict'],
              detail: text(proof.detail),
              changes: texts(proof.changes),
            }
          : null,
      },
    ];
  });
}

export function flowRef(value: unknown): FlowRef | null {
  if (!isObject(value) || !text(value.client) || !text(value.server)) return null;
  const backend = text(value.backend);
  return backend
    ? { client: text(value.client), server: text(value.server), backend }
    : { client: text(value.client), server: text(value.server) };
}
