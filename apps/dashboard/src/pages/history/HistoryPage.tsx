import { Title } from '@mantine/core';

export function HistoryPage() {
  return <Title order={2}>Incidents</Title>;
}
