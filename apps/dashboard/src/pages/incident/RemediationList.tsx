import { Badge, Code, Group, List, Paper, Stack, Text } from '@mantine/core';
import { CopyButton } from '../../components/common';
import type { Remediation, RemediationProof } from './finding-json';

const PROOF: Record<RemediationProof['verdict'], { label: string; colour: string }> = {
  'removes-failure': { label: 'what-if: removes the failure', colour: 'teal.9' },
  'does-not-remove-failure': { label: 'what-if: does not remove the failure', colour: 'red.9' },
  'not-modelled': { label: 'what-if: not modelled', colour: 'gray.7' },
};

export function RemediationList({ items }: { items: readonly Remediation[] }) {
  if (items.length === 0) return <Text c="dark.3">No remediation in the catalogue entry.</Text>;
  return (
    <Stack gap="sm">
      {items.map((item) => (
        <Paper key={item.id} withBorder p="sm">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Text fw={600}>{item.title}</Text>
            {item.proof && (
              <Badge color={PROOF[item.proof.verdict].colour} variant="filled" tt="none" size="lg">
                {PROOF[item.proof.verdict].label}
              </Badge>
            )}
          </Group>
          {item.proof?.detail && (
            <Text size="sm" mt={4}>
              {item.proof.detail}
            </Text>
          )}
          {item.proof && item.proof.changes.length > 0 && (
            <List size="sm" mt={4}>
              {item.proof.changes.map((change, i) => (
                <List.Item key={i}>{change}</List.Item>
              ))}
            </List>
          )}
          {item.steps.map((step, i) => (
            <Stack key={i} gap={4} mt="xs">
              <Group justify="space-between">
                <Text size="sm" fw={500}>
                  {step.label ?? step.language}
                </Text>
                <CopyButton value={step.code} label="Copy" />
              </Group>
              <Code block tabIndex={0}>
                {step.code}
              </Code>
            </Stack>
          ))}
          {item.tradeoffs.length > 0 && (
            <List size="sm" mt="xs">
              {item.tradeoffs.map((tradeoff, i) => (
                <List.Item key={i}>{tradeoff}</List.Item>
              ))}
            </List>
          )}
        </Paper>
      ))}
    </Stack>
  );
}
