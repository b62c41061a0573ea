import { Anchor, Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { CopyableCode } from './CopyableCode';
import type { RootCauseDetail } from './entry-types';
import { Section } from './Section';

export function RemediationSection({ entry }: { readonly entry: RootCauseDetail }) {
  return (
    <Section title="Remediation">
      <Text size="sm">Ways out, best first.</Text>
      {entry.remediationOptions.map((option, index) => (
        <Card key={option.id} withBorder component="article" aria-labelledby={`fix-${option.id}`}>
          <Stack gap="sm">
            <Group justify="space-between" wrap="wrap">
              <Title order={4} id={`fix-${option.id}`}>
                {index + 1}. {option.title}
              </Title>
              {option.provable && (
                <Badge variant="filled" color="teal.9">
                  what-if proof in findings
                </Badge>
              )}
            </Group>
            {option.steps.map((step, stepIndex) => (
              <CopyableCode key={stepIndex} code={step.code} label={step.label} />
            ))}
            {option.tradeoffs.length > 0 && (
              <div>
                <Text size="sm" fw={600}>
                  Trade-offs
                </Text>
                <List size="sm" spacing={4}>
                  {option.tradeoffs.map((tradeoff, tradeoffIndex) => (
                    <List.Item key={tradeoffIndex}>{tradeoff}</List.Item>
                  ))}
                </List>
              </div>
            )}
          </Stack>
        </Card>
      ))}
    </Section>
  );
}

export function VerificationSection({ entry }: { readonly entry: RootCauseDetail }) {
  if (entry.verification.length === 0) return null;
  return (
    <Section title="Verification">
      <List spacing="xs">
        {entry.verification.map((check, index) => (
          <List.Item key={index}>{check}</List.Item>
        ))}
      </List>
    </Section>
  );
}

export function ReferencesSection({ entry }: { readonly entry: RootCauseDetail }) {
  if (entry.references.length === 0) return null;
  return (
    <Section title="References">
      <List spacing="xs" size="sm">
        {entry.references.map((reference, index) => (
          <List.Item key={index}>
            {reference.url ? (
              <Anchor href={reference.url} target="_blank" rel="noreferrer noopener">
                {reference.title}
              </Anchor>
            ) : (
              reference.title
            )}
          </List.Item>
        ))}
      </List>
    </Section>
  );
}
