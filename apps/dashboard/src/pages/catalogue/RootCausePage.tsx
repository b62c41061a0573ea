import { useQuery } from '@apollo/client/react';
import { Anchor, Badge, Code, Grid, Group, List, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ROOT_CAUSE_DETAIL } from './catalogue.documents';
import { LabSection } from './LabSection';
import { AffectedSection, MechanismSection, SignaturesSection } from './MechanismSections';
import { PageError, PageLoading } from './PageState';
import { IncidentsSection, ReviewRecordSection } from './RecordSections';
import { ReferencesSection, RemediationSection, VerificationSection } from './RemediationSection';
import { Section } from './Section';

/** One catalogue entry, everything a person on call needs to recognise and fix the cause. */
export function RootCausePage() {
  const { id = '' } = useParams();
  // Matches and reviews change with every analysis and review: show the cached entry at once,
  // then what the server says now.
  const { data, loading, error } = useQuery(ROOT_CAUSE_DETAIL, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
  });

  if (loading && !data) return <PageLoading />;
  if (error && !data)
    return <PageError title="The entry could not be loaded" message={error.message} />;
  const entry = data?.rootCause;
  if (!entry)
    return <PageError title="No such entry" message={`The catalogue has no entry “${id}”.`} />;

  // Catalogue text carries long unbroken tokens (Envoy details, sysctl keys): let them wrap
  // anywhere rather than push a split-screen window sideways.
  return (
    <Stack gap="lg" maw={1100} style={{ overflowWrap: 'anywhere' }}>
      <Anchor component={Link} to="/catalogue" size="sm">
        ← Catalogue
      </Anchor>
      <Stack gap="xs">
        <Title order={2}>{entry.title}</Title>
        <Group gap="xs">
          <Badge variant="light" color={entry.builtin ? 'gray' : 'grape'}>
            {entry.builtin ? 'built-in' : 'team'}
          </Badge>
          <Code>{entry.id}</Code>
          <Text size="sm">version {entry.version}</Text>
        </Group>
        <Text>{entry.summary}</Text>
      </Stack>
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="xl">
            <Section title="Symptoms">
              <List spacing="xs">
                {entry.symptoms.map((symptom, index) => (
                  <List.Item key={index}>{symptom}</List.Item>
                ))}
              </List>
            </Section>
            <MechanismSection entry={entry} />
            <SignaturesSection entry={entry} />
            <AffectedSection entry={entry} />
            <RemediationSection entry={entry} />
            <VerificationSection entry={entry} />
            <LabSection entry={entry} />
            <ReferencesSection entry={entry} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="xl">
            <IncidentsSection entry={entry} />
            <ReviewRecordSection entry={entry} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
