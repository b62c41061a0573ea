import type {
  LabVariant,
  RemediationOption,
  RootCauseAffected,
  RootCauseLab,
  RootCauseReference,
  RootCauseSignature,
  RootCauseSysctl,
} from './models/root-cause-entry.model.js';

/**
 * The typed view of a stored catalogue entry. `definition` is JSON written by the catalogue
 * sync or by a team, so every field is read defensively: a missing or malformed part becomes
 * empty rather than failing the whole entry.
 */
export interface RootCauseEntryView {
  readonly mechanism: string[];
  readonly signatures: RootCauseSignature[];
  readonly affected: RootCauseAffected;
  readonly sysctls: RootCauseSysctl[];
  readonly remediationOptions: RemediationOption[];
  readonly verification: string[];
  readonly references: RootCauseReference[];
  readonly lab: RootCauseLab;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function labCommand(entryId: string, variantId?: string): string {
  const base = `sudo npx netmortem lab run ${entryId}`;
  return variantId ? `${base} --variant ${variantId}` : base;
}

/** Catalogue variants are written "variant-id: what differs"; the id is what --variant takes. */
function labVariant(entryId: string, line: string): LabVariant {
  const match = /^([a-z0-9][a-z0-9-]*):\s*(.*)$/s.exec(line);
  if (!match) return { id: '', description: line, command: labCommand(entryId) };
  const [, id, description] = match as unknown as [string, string, string];
  return { id, description, command: labCommand(entryId, id) };
}

export function toEntryView(entryId: string, definition: unknown): RootCauseEntryView {
  const entry = record(definition);
  const affected = record(entry.affected);
  const lab = record(entry.lab);
  return {
    mechanism: strings(entry.mechanism),
    signatures: records(entry.signatures).map((s) => ({
      kind: text(s.kind),
      what: text(s.what),
      example: optionalText(s.example),
    })),
    affected: {
      kernel: text(affected.kernel),
      envoy: optionalText(affected.envoy),
      istio: optionalText(affected.istio),
      clientGo: optionalText(affected.clientGo),
      other: strings(affected.other),
    },
    sysctls: records(entry.sysctls).map((s) => ({
      key: text(s.key),
      default: optionalText(s.default),
      role: text(s.role),
    })),
    remediationOptions: records(entry.remediation).map((option) => ({
      id: text(option.id),
      title: text(option.title),
      steps: records(option.steps).map((step) => ({
        label: optionalText(step.label),
        language: text(step.language) || 'text',
        code: text(step.code),
      })),
      tradeoffs: strings(option.tradeoffs),
      provable: Object.keys(record(option.whatIf)).length > 0,
    })),
    verification: strings(entry.verification),
    references: records(entry.references).map((r) => ({
      title: text(r.title),
      url: optionalText(r.url),
    })),
    lab: {
      description: text(lab.description),
      command: labCommand(entryId),
      variants: strings(lab.variants).map((line) => labVariant(entryId, line)),
      kernelNotes: strings(lab.kernelNotes),
    },
  };
}
