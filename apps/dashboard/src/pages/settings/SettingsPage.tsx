import { useQuery } from '@apollo/client/react';
import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../../app/session';
import { QueryState } from '../../components/common';
import { ApiTokensSection } from './ApiTokensSection';
import { MembersTable } from './MembersTable';
import { TEAM_SETTINGS } from './settings.queries';

/** The team's people and its API tokens. */
export function SettingsPage() {
  const { me } = useSession();
  const { data, loading, error } = useQuery(TEAM_SETTINGS);
  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={2}>
        <Title order={2}>Team settings</Title>
        {me && <Text c="gray.7">Team {me.team.name}</Text>}
      </Stack>
      <QueryState loading={loading && !data} error={error}>
        <Stack gap="xs" component="section" aria-labelledby="members-heading">
          <Title order={3} id="members-heading">
            Members
          </Title>
          <MembersTable members={data?.teamMembers ?? []} />
        </Stack>
        <Stack gap="xs" component="section" aria-labelledby="tokens-heading">
          <Title order={3} id="tokens-heading">
            API tokens
          </Title>
          <ApiTokensSection tokens={data?.apiTokens ?? []} canCreateAdmin={me?.role === 'ADMIN'} />
        </Stack>
      </QueryState>
    </Stack>
  );
}
