import { Box, Button, Code, CopyButton, Group, Text } from '@mantine/core';

interface CopyableCodeProps {
  readonly code: string;
  readonly label?: string | null;
  /** The button's accessible name; "Copy" unless several blocks need telling apart. */
  readonly copyLabel?: string;
}

/** A block a person pastes into a terminal, with a button that copies exactly that text. */
export function CopyableCode({ code, label, copyLabel = 'Copy' }: CopyableCodeProps) {
  return (
    <Box>
      <Group justify="space-between" align="end" mb={4} wrap="nowrap">
        {label ? (
          <Text size="sm" fw={500}>
            {label}
          </Text>
        ) : (
          <span />
        )}
        <CopyButton value={code}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant="default"
              onClick={copy}
              aria-label={copyLabel}
              aria-live="polite"
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {code}
      </Code>
    </Box>
  );
}
