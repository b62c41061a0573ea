import { Title } from '@mantine/core';

export function NewIncidentPage() {
  return <Title order={2}>New incident</Title>;
}
