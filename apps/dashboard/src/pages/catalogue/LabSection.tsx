import { Code, List, Stack, Text } from '@mantine/core';
import { CopyableCode } from './CopyableCode';
import type { RootCauseDetail } from './entry-types';
import { Section } from './Section';

/** How to make the cause happen on a spare Linux box, as a bundle the analyser can read. */
export function LabSection({ entry }: { readonly entry: RootCauseDetail }) {
  const { lab } = entry;
  return (
    <Section title="Lab">
      <Text size="sm">{lab.description}</Text>
      <Text size="sm">
        Runs in network namespaces on this machine (root; needs ip, iptables, conntrack and tcpdump)
        and writes a bundle you can upload here.
      </Text>
      <CopyableCode code={lab.command} label="Run the lab" copyLabel="Copy lab command" />
      {lab.variants.length > 0 && (
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            Variants
          </Text>
          <List spacing="sm" size="sm">
            {lab.variants.map((variant) => (
              <List.Item key={variant.id || variant.description}>
                <Stack gap={4}>
                  <Text size="sm">
                    {variant.id && <Code>{variant.id}</Code>} {variant.description}
                  </Text>
                  {variant.id && (
                    <CopyableCode
                      code={variant.command}
                      copyLabel={`Copy command for variant ${variant.id}`}
                    />
                  )}
                </Stack>
              </List.Item>
            ))}
          </List>
        </Stack>
      )}
      {lab.kernelNotes.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            What the kernel really does
          </Text>
          <List size="sm" spacing={4}>
            {lab.kernelNotes.map((note, index) => (
              <List.Item key={index}>{note}</List.Item>
            ))}
          </List>
        </Stack>
      )}
    </Section>
  );
}
