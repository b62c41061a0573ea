import { Badge, Table, Text } from '@mantine/core';
import type { TeamSettingsQuery } from '../../gql/graphql';
import { formatTime } from './format-time';

type Member = TeamSettingsQuery['teamMembers'][number];

export function MembersTable({ members }: { readonly members: readonly Member[] }) {
  if (members.length === 0) return <Text c="gray.7">No people in this team yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label="Members" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Member since</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr key={member.id}>
              <Table.Td>
                {member.name}{' '}
                {member.disabledAt && (
                  <Badge color="gray.7" size="sm">
                    disabled
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{member.email}</Table.Td>
              <Table.Td>{member.role === 'ADMIN' ? 'Admin' : 'Member'}</Table.Td>
              <Table.Td>{formatTime(member.createdAt)}</Table.Td>
              <Table.Td>{formatTime(member.lastLoginAt)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
