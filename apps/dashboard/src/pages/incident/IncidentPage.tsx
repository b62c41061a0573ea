import { Title } from '@mantine/core';

export function IncidentPage() {
  return <Title order={2}>Incident</Title>;
}
