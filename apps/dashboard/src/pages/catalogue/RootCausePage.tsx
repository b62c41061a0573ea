import { Title } from '@mantine/core';

export function RootCausePage() {
  return <Title order={2}>Root cause</Title>;
}
