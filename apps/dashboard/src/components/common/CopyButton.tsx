import { Button, CopyButton as MantineCopyButton } from '@mantine/core';

interface CopyButtonProps {
  /** The text put on the clipboard. */
  readonly value: string;
  /** The button's accessible name, e.g. "Copy collector command". */
  readonly label: string;
}

/**
 * A button that copies `value`. The visible text changes to "Copied" for a moment, while the
 * accessible name stays `label` so tests and screen readers can find it again.
 */
export function CopyButton({ value, label }: CopyButtonProps) {
  return (
    <MantineCopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'filled' : 'default'}
          color={copied ? 'teal.9' : undefined}
          onClick={copy}
          aria-label={label}
        >
          {copied ? 'Copied' : label}
        </Button>
      )}
    </MantineCopyButton>
  );
}
