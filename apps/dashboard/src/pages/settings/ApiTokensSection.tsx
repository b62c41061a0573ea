import { useMutation } from '@apollo/client/react';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '../../components/common';
import type { TeamRole, TeamSettingsQuery } from '../../gql/graphql';
import { formatTime } from './format-time';
import { CREATE_API_TOKEN, REVOKE_API_TOKEN, TEAM_SETTINGS } from './settings.queries';

type Token = TeamSettingsQuery['apiTokens'][number];

interface ApiTokensSectionProps {
  readonly tokens: readonly Token[];
  readonly canCreateAdmin: boolean;
}

/** Create a token (its secret shown once, here) and revoke the ones no longer needed. */
export function ApiTokensSection({ tokens, canCreateAdmin }: ApiTokensSectionProps) {
  const refetchQueries = [TEAM_SETTINGS];
  const [create, creation] = useMutation(CREATE_API_TOKEN, { refetchQueries });
  const [revoke, revocation] = useMutation(REVOKE_API_TOKEN, { refetchQueries });
  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('MEMBER');
  const [days, setDays] = useState<number | string>('');
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  async function onCreate(event: FormEvent) {
    event.preventDefault();
    const result = await create({
      variables: {
        input: {
          name: name.trim(),
          role,
          ...(typeof days === 'number' ? { expiresInDays: days } : {}),
        },
      },
    }).catch(() => null);
    const created = result?.data?.createApiToken;
    if (created) {
      setSecret({ name: created.token.name, value: created.secret });
      setName('');
    }
  }

  const problem = creation.error ?? revocation.error;
  return (
    <Stack gap="sm">
      <Paper withBorder p="sm" component="form" onSubmit={onCreate} aria-label="New API token">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Token name"
            placeholder="ci-infra-repo"
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            style={{ flex: '1 1 200px' }}
          />
          <Select
            label="Token role"
            data={[
              { value: 'MEMBER', label: 'Member' },
              { value: 'ADMIN', label: 'Admin', disabled: !canCreateAdmin },
            ]}
            value={role}
            allowDeselect={false}
            onChange={(value) => value && setRole(value)}
            w={140}
          />
          <NumberInput
            label="Expires after (days)"
            placeholder="never"
            min={1}
            max={3650}
            value={days}
            onChange={setDays}
            w={170}
          />
          <Button type="submit" color="blue.8" loading={creation.loading} disabled={!name.trim()}>
            Create token
          </Button>
        </Group>
      </Paper>

      {secret && (
        <Paper withBorder p="sm" style={{ borderColor: 'var(--mantine-color-teal-9)' }}>
          <Stack gap="xs">
            <Text fw={600}>Token &quot;{secret.name}&quot; created</Text>
            <Text size="sm">Copy it now: this secret is not shown again.</Text>
            <Group gap="sm" wrap="nowrap">
              <Code aria-label="New token secret" style={{ wordBreak: 'break-all' }}>
                {secret.value}
              </Code>
              <CopyButton value={secret.value} label="Copy token secret" />
            </Group>
          </Stack>
        </Paper>
      )}
      {problem && (
        <Alert color="red" role="alert">
          {problem.message}
        </Alert>
      )}

      {tokens.length === 0 ? (
        <Text c="gray.7">No API tokens yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="API tokens" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.map((token) => (
                <Table.Tr key={token.id}>
                  <Table.Td>{token.name}</Table.Td>
                  <Table.Td>
                    <Code>{token.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{token.role === 'ADMIN' ? 'Admin' : 'Member'}</Table.Td>
                  <Table.Td>{formatTime(token.createdAt)}</Table.Td>
                  <Table.Td>{formatTime(token.lastUsedAt)}</Table.Td>
                  <Table.Td>{formatTime(token.expiresAt)}</Table.Td>
                  <Table.Td>
                    {token.revokedAt ? (
                      <Badge color="gray.7">revoked</Badge>
                    ) : (
                      <Button
                        size="xs"
                        color="red.9"
                        variant="outline"
                        loading={revocation.loading && revoking === token.id}
                        onClick={() => {
                          setRevoking(token.id);
                          revoke({ variables: { id: token.id } }).catch(() => undefined);
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
