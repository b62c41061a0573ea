import { useQuery } from '@apollo/client/react';
import { Button, Chip, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { QueryState } from '../../components/common';
import { HISTORY_INCIDENTS, HISTORY_INSIGHTS } from './history.queries';
import {
  readHistoryFilters,
  toIncidentFilter,
  type HistoryFilters as Filters,
} from './history-filters';
import { HistoryFilters } from './HistoryFilters';
import { IncidentTable } from './IncidentTable';
import { IncidentTimelineChart } from './IncidentTimelineChart';
import { toTimelineSeries } from './timeline-series';

const PAGE_SIZE = 25;
const URL_KEY: Record<keyof Filters, string> = {
  search: 'q',
  status: 'status',
  severity: 'severity',
  rootCause: 'rootCause',
  labels: 'labels',
};

/** The team's incidents: filters and facets, the chart by root cause, then the list. */
export function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const filters = readHistoryFilters(params);
  const [searchText, setSearchText] = useState(filters.search);
  const [debouncedSearch] = useDebouncedValue(searchText, 250);
  // Weeks by default: a year of history stays a few dozen readable bars.
  const [bucket, setBucket] = useState<'DAY' | 'WEEK'>('WEEK');
  // Keyset pages: cursors[i] is the `after` of page i, so "Newer" needs no offset.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);

  const change = (changes: Partial<Filters>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes) as [keyof Filters, string | null][]) {
      if (value) next.set(URL_KEY[key], value);
      else next.delete(URL_KEY[key]);
    }
    setParams(next, { replace: true });
  };

  useEffect(() => {
    if (debouncedSearch !== filters.search) change({ search: debouncedSearch });
    // Only the debounced text pushes a URL change; typing alone must not.
  }, [debouncedSearch]);

  const filter = useMemo(
    () => toIncidentFilter(filters),
    // The URL is the single source of the filters: a new string means new filters.
    [params.toString()],
  );
  const filterKey = JSON.stringify(filter);
  useEffect(() => setCursors([null]), [filterKey]);

  const after = cursors.at(-1) ?? null;
  // The history changes behind the page's back (uploads, other people): show what is cached
  // at once, then what the server says.
  const list = useQuery(HISTORY_INCIDENTS, {
    variables: { filter, after, first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const insights = useQuery(HISTORY_INSIGHTS, {
    variables: { filter, bucket },
    fetchPolicy: 'cache-and-network',
  });

  const titles = useMemo(() => {
    const map = new Map<string, string>();
    for (const row of insights.data?.incidentFacets.rootCauses ?? []) {
      map.set(row.rootCauseId, row.title ?? row.rootCauseId);
    }
    return map;
  }, [insights.data]);
  const series = useMemo(
    () =>
      toTimelineSeries(
        insights.data?.incidentTimeline ?? [],
        bucket === 'DAY' ? 1 : 7,
        (id) => titles.get(id) ?? id,
      ),
    [insights.data, bucket, titles],
  );

  const incidents = list.data?.incidents ?? list.previousData?.incidents;
  const facets = insights.data?.incidentFacets ?? insights.previousData?.incidentFacets;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Incidents</Title>
        <Button component={Link} to="/incidents/new" color="blue.8">
          New incident
        </Button>
      </Group>

      <HistoryFilters
        filters={filters}
        searchText={searchText}
        onSearchText={setSearchText}
        onChange={change}
        facets={facets}
      />

      {facets && facets.rootCauses.length > 0 && (
        <Group gap="xs" aria-label="Frequent findings" role="group">
          {facets.rootCauses.slice(0, 8).map((row) => (
            <Chip
              key={row.rootCauseId}
              size="xs"
              checked={filters.rootCause === row.rootCauseId}
              onChange={(checked) => change({ rootCause: checked ? row.rootCauseId : null })}
            >
              {row.title ?? row.rootCauseId} · {row.count}
            </Chip>
          ))}
        </Group>
      )}

      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={500}>
            {facets ? `${facets.total} incident${facets.total === 1 ? '' : 's'}` : ' '}
          </Text>
          <SegmentedControl
            size="xs"
            aria-label="Chart bucket"
            value={bucket}
            onChange={(value) => setBucket(value === 'WEEK' ? 'WEEK' : 'DAY')}
            data={[
              { value: 'DAY', label: 'Per day' },
              { value: 'WEEK', label: 'Per week' },
            ]}
          />
        </Group>
        <QueryState loading={insights.loading && !facets} error={insights.error}>
          <IncidentTimelineChart
            data={series}
            onSelectRootCause={(rootCause) => change({ rootCause })}
          />
        </QueryState>
      </Paper>

      <QueryState loading={list.loading && !incidents} error={list.error}>
        <Stack gap="xs" aria-busy={list.loading}>
          <IncidentTable incidents={incidents?.nodes ?? []} />
          <Group justify="flex-end" gap="xs">
            <Button
              variant="default"
              size="xs"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((stack) => stack.slice(0, -1))}
            >
              Newer
            </Button>
            <Text size="sm" c="gray.7">
              Page {cursors.length}
            </Text>
            <Button
              variant="default"
              size="xs"
              disabled={!incidents?.pageInfo.hasNextPage}
              onClick={() => {
                const next = incidents?.pageInfo.endCursor;
                if (next) setCursors((stack) => [...stack, next]);
              }}
            >
              Older
            </Button>
          </Group>
        </Stack>
      </QueryState>
    </Stack>
  );
}
