import { NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import type { HistoryInsightsQuery } from '../../gql/graphql';
import { SEVERITIES, STATUSES, humanize, type HistoryFilters as Filters } from './history-filters';
import { parseLabelFilter } from './label-filter';

type Facets = HistoryInsightsQuery['incidentFacets'];

const ANY = { value: '', label: 'Any' };

function oneOf<T extends string>(values: readonly T[], value: string): T | null {
  return values.find((candidate) => candidate === value) ?? null;
}

interface HistoryFiltersProps {
  readonly filters: Filters;
  /** What is typed into the search box now (the filter follows it after a pause). */
  readonly searchText: string;
  readonly onSearchText: (text: string) => void;
  readonly onChange: (changes: Partial<Filters>) => void;
  readonly facets: Facets | undefined;
}

function countOf<T>(
  rows: readonly T[] | undefined,
  match: (row: T) => boolean,
  count: (row: T) => number,
) {
  const row = rows?.find(match);
  return row ? ` (${count(row)})` : rows ? ' (0)' : '';
}

/** Search, status, severity, root cause and labels; each choice shows how many it leaves. */
export function HistoryFilters({
  filters,
  searchText,
  onSearchText,
  onChange,
  facets,
}: HistoryFiltersProps) {
  const labels = parseLabelFilter(filters.labels);
  const rootCauseOptions = (facets?.rootCauses ?? []).map((row) => ({
    value: row.rootCauseId,
    label: `${row.title ?? row.rootCauseId} (${row.count})`,
  }));
  if (filters.rootCause && !rootCauseOptions.some((o) => o.value === filters.rootCause)) {
    rootCauseOptions.push({ value: filters.rootCause, label: `${filters.rootCause} (0)` });
  }
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
      <TextInput
        label="Search incidents"
        placeholder="words in title or description"
        type="search"
        value={searchText}
        onChange={(event) => onSearchText(event.currentTarget.value)}
      />
      <NativeSelect
        label="Status"
        value={filters.status ?? ''}
        data={[
          ANY,
          ...STATUSES.map((status) => ({
            value: status,
            label: `${humanize(status)}${countOf(
              facets?.statuses,
              (r) => r.status === status,
              (r) => r.count,
            )}`,
          })),
        ]}
        onChange={(event) => onChange({ status: oneOf(STATUSES, event.currentTarget.value) })}
      />
      <NativeSelect
        label="Severity"
        value={filters.severity ?? ''}
        data={[
          ANY,
          ...SEVERITIES.map((severity) => ({
            value: severity,
            label: `${humanize(severity)}${countOf(
              facets?.severities,
              (r) => r.severity === severity,
              (r) => r.count,
            )}`,
          })),
        ]}
        onChange={(event) => onChange({ severity: oneOf(SEVERITIES, event.currentTarget.value) })}
      />
      <NativeSelect
        label="Root cause"
        value={filters.rootCause ?? ''}
        data={[ANY, ...rootCauseOptions]}
        onChange={(event) => onChange({ rootCause: event.currentTarget.value || null })}
      />
      <TextInput
        label="Labels"
        placeholder="cluster=prod, service=api"
        value={filters.labels}
        error={labels.ok ? undefined : labels.error}
        onChange={(event) => onChange({ labels: event.currentTarget.value })}
      />
    </SimpleGrid>
  );
}
