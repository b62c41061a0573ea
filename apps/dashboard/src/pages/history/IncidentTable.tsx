import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { HistoryIncidentsQuery } from '../../gql/graphql';
import { humanize } from './history-filters';
import { formatLabels } from './label-filter';

type IncidentRow = HistoryIncidentsQuery['incidents']['nodes'][number];

// Filled badges with dark shades (or dark text on yellow) keep text contrast above 4.5:1.
const STATUS_COLOR: Record<string, string> = {
  OPEN: 'red.9',
  MITIGATED: 'yellow.5',
  RESOLVED: 'teal.9',
};
const SEVERITY_COLOR: Record<string, string> = {
  CRITICAL: 'red',
  HIGH: 'orange',
  MEDIUM: 'blue',
  LOW: 'gray',
};
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One row per incident; the title links to its page. */
export function IncidentTable({ incidents }: { readonly incidents: readonly IncidentRow[] }) {
  if (incidents.length === 0) return <Text c="gray.7">No incidents match these filters.</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Incidents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th miw={240}>Incident</Table.Th>
            <Table.Th w={120}>Status</Table.Th>
            <Table.Th w={120}>Severity</Table.Th>
            <Table.Th miw={200}>Top root cause</Table.Th>
            <Table.Th>When</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {incidents.map((incident) => (
            <Table.Tr key={incident.id}>
              <Table.Td>
                <Anchor component={Link} to={`/incidents/${incident.id}`} fw={500} c="blue.8">
                  {incident.title}
                </Anchor>
                <Group gap={4} mt={2}>
                  {formatLabels(incident.labels).map((label) => (
                    <Badge key={label} variant="outline" color="gray.7" size="sm" tt="none">
                      {label}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Badge
                  color={STATUS_COLOR[incident.status]}
                  variant="filled"
                  autoContrast
                  style={{ overflow: 'visible' }}
                >
                  {humanize(incident.status)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Badge
                  color={SEVERITY_COLOR[incident.severity]}
                  variant="dot"
                  style={{ overflow: 'visible' }}
                >
                  {humanize(incident.severity)}
                </Badge>
              </Table.Td>
              <Table.Td>
                {incident.topRootCause ? (
                  <Text size="sm">
                    {incident.topRootCause.title ?? incident.topRootCause.rootCauseId}{' '}
                    <Text span c="gray.7" size="xs">
                      {Math.round(incident.topRootCause.confidence * 100)} %
                    </Text>
                  </Text>
                ) : (
                  <Text size="sm" c="gray.7">
                    none yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {when.format(new Date(incident.occurredAt ?? incident.createdAt))}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
