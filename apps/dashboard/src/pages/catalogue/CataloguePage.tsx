import { useQuery } from '@apollo/client/react';
import {
  Anchor,
  Badge,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { ROOT_CAUSE_LIST } from './catalogue.documents';
import { filterEntries } from './catalogue-filter';
import { PageError, PageLoading } from './PageState';

/** Every root cause the team can be told about: the shipped catalogue and its own entries. */
export function CataloguePage() {
  const { data, loading, error } = useQuery(ROOT_CAUSE_LIST, { fetchPolicy: 'cache-and-network' });
  const [query, setQuery] = useState('');
  const entries = filterEntries(data?.rootCauses ?? [], query);

  return (
    <Stack>
      <Title order={2}>Catalogue</Title>
      <Text>
        Known causes of connections that reset, hang or leak. Each entry explains the mechanism,
        what it leaves in a bundle, how to fix it and how to reproduce it.
      </Text>
      <TextInput
        label="Search catalogue"
        placeholder="title, symptom or id, e.g. 503 UC"
        value={query}
        onChange={(event) => setQuery(event.currentTarget.value)}
        maw={480}
      />
      {loading && !data && <PageLoading />}
      {error && <PageError title="The catalogue could not be loaded" message={error.message} />}
      {data && (
        <Text size="sm" aria-live="polite">
          {entries.length} of {data.rootCauses.length} entries
        </Text>
      )}
      <SimpleGrid
        cols={{ base: 1, md: 2 }}
        component="ul"
        style={{ listStyle: 'none', padding: 0 }}
      >
        {entries.map((entry) => (
          <Card key={entry.id} withBorder component="li" padding="md">
            <Stack gap="xs">
              <Group justify="space-between" align="start" wrap="nowrap">
                <Anchor component={Link} to={`/catalogue/${entry.id}`} fw={600}>
                  {entry.title}
                </Anchor>
                <Badge
                  variant="light"
                  color={entry.builtin ? 'gray' : 'grape'}
                  style={{ flexShrink: 0 }}
                >
                  {entry.builtin ? 'built-in' : 'team'}
                </Badge>
              </Group>
              <Text size="sm">{entry.summary}</Text>
              <Group gap="xs">
                <Code>{entry.id}</Code>
                <Text size="sm">
                  {entry.matches.count === 1
                    ? 'found in 1 incident'
                    : `found in ${entry.matches.count} incidents`}
                </Text>
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {data && entries.length === 0 && <Text>No entry matches “{query}”.</Text>}
    </Stack>
  );
}
