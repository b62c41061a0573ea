import { useMutation } from '@apollo/client/react';
import { Alert, Badge, Group, Select, Stack, Text, Title } from '@mantine/core';
import type { IncidentStatus } from '../../gql/graphql';
import { UPDATE_INCIDENT_STATUS } from './incident.documents';
import type { FindingData, IncidentData } from './incident-types';

const STATUSES: IncidentStatus[] = ['OPEN', 'MITIGATED', 'RESOLVED'];
const SEVERITY_COLOURS: Record<string, string> = {
  CRITICAL: 'red.9',
  HIGH: '#9c3d00',
  MEDIUM: 'yellow.4',
  LOW: 'gray.7',
};

function labelPairs(labels: unknown): [string, string][] {
  if (typeof labels !== 'object' || labels === null) return [];
  return Object.entries(labels as Record<string, unknown>).map(([key, value]) => [
    key,
    String(value),
  ]);
}

export function SummarySection({
  incident,
  top,
}: {
  incident: IncidentData;
  top: FindingData | null;
}) {
  const [update, { loading, error }] = useMutation(UPDATE_INCIDENT_STATUS);
  return (
    <section aria-labelledby="incident-summary">
      <Title order={3} id="incident-summary" mb="xs">
        Summary
      </Title>
      <Stack gap="xs">
        <Group gap="md" align="flex-end" wrap="wrap">
          <Select
            label="Status"
            data={STATUSES}
            value={incident.status}
            allowDeselect={false}
            disabled={loading}
            w={180}
            onChange={(value) => {
              if (value && value !== incident.status) {
                void update({
                  variables: { id: incident.id, status: value },
                }).catch(() => undefined);
              }
            }}
          />
          <div>
            <Text size="sm" fw={500}>
              Severity
            </Text>
            <Badge
              color={SEVERITY_COLOURS[incident.severity] ?? 'gray'}
              variant="filled"
              size="lg"
              c={incident.severity === 'MEDIUM' ? 'dark' : undefined}
            >
              {incident.severity}
            </Badge>
          </div>
          <div>
            <Text size="sm" fw={500}>
              Top root cause
            </Text>
            <Text>
              {top
                ? `${top.rootCause?.title ?? top.rootCauseId} (confidence ${Math.round(top.confidence * 100)} %)`
                : 'none found yet'}
            </Text>
          </div>
        </Group>
        {error && (
          <Alert color="red" role="alert" title="Status not changed">
            {error.message}
          </Alert>
        )}
        {incident.description && <Text>{incident.description}</Text>}
        <Group gap="xs" role="group" aria-label="Labels">
          {labelPairs(incident.labels).map(([key, value]) => (
            <Badge key={key} variant="outline" color="dark" tt="none">
              {key}={value}
            </Badge>
          ))}
        </Group>
      </Stack>
    </section>
  );
}
