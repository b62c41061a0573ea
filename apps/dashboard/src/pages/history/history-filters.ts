import { parseLabelFilter } from './label-filter';

export const STATUSES = ['OPEN', 'MITIGATED', 'RESOLVED'] as const;
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Status = (typeof STATUSES)[number];
export type SeverityLevel = (typeof SEVERITIES)[number];

/** What the history page filters on; kept in the URL so a filtered view can be shared. */
export interface HistoryFilters {
  readonly search: string;
  readonly status: Status | null;
  readonly severity: SeverityLevel | null;
  readonly rootCause: string | null;
  readonly labels: string;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

export function readHistoryFilters(params: URLSearchParams): HistoryFilters {
  return {
    search: params.get('q') ?? '',
    status: oneOf(STATUSES, params.get('status')),
    severity: oneOf(SEVERITIES, params.get('severity')),
    rootCause: params.get('rootCause') || null,
    labels: params.get('labels') ?? '',
  };
}

/** The GraphQL IncidentFilterInput for these filters; labels that do not parse are left out. */
export function toIncidentFilter(filters: HistoryFilters) {
  const labels = parseLabelFilter(filters.labels);
  return {
    ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
    ...(filters.status ? { statuses: [filters.status] } : {}),
    ...(filters.severity ? { severities: [filters.severity] } : {}),
    ...(filters.rootCause ? { rootCause: filters.rootCause } : {}),
    ...(labels.ok && Object.keys(labels.labels).length > 0 ? { labels: labels.labels } : {}),
  };
}

/** Title case for enum values shown to people: "MITIGATED" -> "Mitigated". */
export function humanize(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase();
}
