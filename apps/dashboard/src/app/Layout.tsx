import { useApolloClient } from '@apollo/client/react';
import { AppShell, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { SignInPage } from '../pages/sign-in/SignInPage';
import { signOut, useSession } from './session';

const NAV = [
  { to: '/', label: 'Incidents' },
  { to: '/incidents/new', label: 'New incident' },
  { to: '/catalogue', label: 'Catalogue' },
  { to: '/settings', label: 'Team settings' },
] as const;

/** The frame of every page: header, navigation, and sign-in when there is no session. */
export function Layout() {
  const { me, loading, refresh } = useSession();
  const client = useApolloClient();
  const location = useLocation();
  if (loading)
    return (
      <Center h="100vh" aria-busy="true">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!me) return <SignInPage onSignedIn={refresh} />;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={1} size="h3">
              netmortem
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="md">
              post-mortems for connections that reset, hang or leak
            </Text>
          </Group>
          <Group gap="sm">
            <Text size="sm">
              {me.name} · {me.team.name}
            </Text>
            <Button
              variant="default"
              size="xs"
              onClick={async () => {
                await signOut();
                await client.clearStore();
                await refresh();
              }}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={RouterLink}
            to={item.to}
            label={item.label}
            active={
              item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)
            }
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
