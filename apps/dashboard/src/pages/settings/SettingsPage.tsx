import { Title } from '@mantine/core';

export function SettingsPage() {
  return <Title order={2}>Team settings</Title>;
}
