import { Anchor, Badge, Group, List, Progress, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatRate } from './catalogue-filter';
import type { RootCauseDetail } from './entry-types';
import { Section } from './Section';

const STATUS_COLOR = { OPEN: 'red', MITIGATED: 'yellow', RESOLVED: 'green' } as const;

/** The team's incidents in which this cause was found, newest first. */
export function IncidentsSection({ entry }: { readonly entry: RootCauseDetail }) {
  const { count, latest } = entry.matches;
  return (
    <Section title="Incidents">
      {count === 0 ? (
        <Text size="sm">No incident of your team has matched this cause yet.</Text>
      ) : (
        <>
          <Text size="sm">
            Found in {count} {count === 1 ? 'incident' : 'incidents'} of your team
            {count > latest.length ? `; the ${latest.length} newest:` : ':'}
          </Text>
          <List spacing="xs" size="sm">
            {latest.map((match) => (
              <List.Item key={match.incidentId}>
                <Group gap="xs" wrap="wrap">
                  <Anchor component={Link} to={`/incidents/${match.incidentId}`}>
                    {match.title}
                  </Anchor>
                  <Badge variant="light" color={STATUS_COLOR[match.status]} size="sm">
                    {match.status.toLowerCase()}
                  </Badge>
                  <Text size="xs" component="span">
                    confidence {Math.round(match.confidence * 100)} % ·{' '}
                    {new Date(match.createdAt).toLocaleDateString()}
                  </Text>
                </Group>
              </List.Item>
            ))}
          </List>
          <Anchor component={Link} to={`/?rootCause=${encodeURIComponent(entry.id)}`} size="sm">
            All incidents with this root cause
          </Anchor>
        </>
      )}
    </Section>
  );
}

/** How often the team's reviewers agreed with the analyser when it named this cause. */
export function ReviewRecordSection({ entry }: { readonly entry: RootCauseDetail }) {
  const { confirmed, rejected, confirmationRate } = entry.reviewRecord;
  const rate = formatRate(confirmationRate);
  return (
    <Section title="Review record">
      {rate === null ? (
        <Text size="sm">No finding of this cause has been reviewed yet.</Text>
      ) : (
        <>
          <Text size="sm">
            Reviewers confirmed {confirmed} and rejected {rejected} of its findings:{' '}
            <strong>{rate}</strong> confirmed.
          </Text>
          <Progress
            value={(confirmationRate ?? 0) * 100}
            color="teal"
            maw={360}
            aria-label={`Confirmation rate ${rate}`}
          />
        </>
      )}
    </Section>
  );
}
