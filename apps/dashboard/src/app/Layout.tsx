import { useApolloClient } from '@apollo/client/react';
import {
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
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
  const [navOpen, nav] = useDisclosure(false);
  if (loading)
    return (
      <Center h="100vh" aria-busy="true">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!me) return <SignInPage onSignedIn={refresh} />;
  return (
    <AppShell
      header={{ height: 56 }}
      // Beside a split-screen editor (~700 px) the navigation stays; on phones it folds away.
      navbar={{ width: 180, breakpoint: 'xs', collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom="xs"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={1} size="h3">
              netmortem
            </Title>
            <Text size="sm" c="gray.7" visibleFrom="md">
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
            // Filled: white on blue.8 keeps the active item's contrast above AA.
            variant="filled"
            onClick={nav.close}
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
