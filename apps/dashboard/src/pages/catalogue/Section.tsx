import { Stack, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

/** A titled region: screen readers list it as a landmark named by its heading. */
export function Section({
  title,
  children,
}: {
  readonly title: string;
  readonly children: ReactNode;
}) {
  const id = useId();
  return (
    <Stack component="section" aria-labelledby={id} gap="sm">
      <Title order={3} id={id}>
        {title}
      </Title>
      {children}
    </Stack>
  );
}
