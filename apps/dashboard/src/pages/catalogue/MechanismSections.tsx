import { Badge, Code, List, Stack, Table, Text } from '@mantine/core';
import type { RootCauseDetail } from './entry-types';
import { Section } from './Section';

export function MechanismSection({ entry }: { readonly entry: RootCauseDetail }) {
  return (
    <Section title="Mechanism">
      <List type="ordered" spacing="xs">
        {entry.mechanism.map((step, index) => (
          <List.Item key={index}>{step}</List.Item>
        ))}
      </List>
    </Section>
  );
}

export function SignaturesSection({ entry }: { readonly entry: RootCauseDetail }) {
  return (
    <Section title="Signatures">
      <Text size="sm">What the cause leaves behind, per kind of artifact in a bundle.</Text>
      <Stack gap="sm" component="dl" m={0}>
        {entry.signatures.map((signature, index) => (
          <div key={`${signature.kind}-${index}`}>
            <dt>
              <Badge variant="outline" color="dark" tt="none">
                {signature.kind}
              </Badge>
            </dt>
            <Stack component="dd" gap={4} ml="md" mt={4}>
              <Text size="sm">{signature.what}</Text>
              {signature.example && (
                <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {signature.example}
                </Code>
              )}
            </Stack>
          </div>
        ))}
      </Stack>
    </Section>
  );
}

export function AffectedSection({ entry }: { readonly entry: RootCauseDetail }) {
  const { affected } = entry;
  const versions: [string, string | null | undefined][] = [
    ['Kernel', affected.kernel],
    ['Envoy', affected.envoy],
    ['Istio', affected.istio],
    ['client-go', affected.clientGo],
  ];
  return (
    <Section title="Affected versions and sysctls">
      <Table variant="vertical" withTableBorder layout="fixed">
        <Table.Tbody>
          {versions
            .filter((row): row is [string, string] => Boolean(row[1]))
            .map(([what, text]) => (
              <Table.Tr key={what}>
                <Table.Th w={120}>{what}</Table.Th>
                <Table.Td>{text}</Table.Td>
              </Table.Tr>
            ))}
          {affected.other.map((text, index) => (
            <Table.Tr key={`other-${index}`}>
              <Table.Th w={120}>Other</Table.Th>
              <Table.Td>{text}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {entry.sysctls.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table withTableBorder>
            <Table.Caption c="gray.8">
              Sysctls that make it possible, prevent it or set its timing
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Key</Table.Th>
                <Table.Th>Default</Table.Th>
                <Table.Th>Role</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entry.sysctls.map((sysctl) => (
                <Table.Tr key={sysctl.key}>
                  <Table.Td>
                    <Code style={{ wordBreak: 'break-all' }}>{sysctl.key}</Code>
                  </Table.Td>
                  <Table.Td>{sysctl.default ?? '—'}</Table.Td>
                  <Table.Td>{sysctl.role}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
