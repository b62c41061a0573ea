import { ApolloProvider } from '@apollo/client/react';
import { Loader, MantineProvider, createTheme } from '@mantine/core';
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { createHashRouter, RouterProvider } from 'react-router';
import { createApolloClient } from './apollo';
import { Layout } from './Layout';
import { SessionProvider } from './session';

// One chunk per page: the first visit downloads the shell and the page it opens, not all of
// them (the incident page's pictures and the history chart are the heavy ones).
const HistoryPage = lazy(() =>
  import('../pages/history/HistoryPage').then((m) => ({ default: m.HistoryPage })),
);
const NewIncidentPage = lazy(() =>
  import('../pages/new-incident/NewIncidentPage').then((m) => ({ default: m.NewIncidentPage })),
);
const IncidentPage = lazy(() =>
  import('../pages/incident/IncidentPage').then((m) => ({ default: m.IncidentPage })),
);
const CataloguePage = lazy(() =>
  import('../pages/catalogue/CataloguePage').then((m) => ({ default: m.CataloguePage })),
);
const RootCausePage = lazy(() =>
  import('../pages/catalogue/RootCausePage').then((m) => ({ default: m.RootCausePage })),
);
const SettingsPage = lazy(() =>
  import('../pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })),
);

function Page({ children }: { readonly children: ReactNode }) {
  return <Suspense fallback={<Loader aria-label="Loading" m="md" />}>{children}</Suspense>;
}

// Contrast first: blue.8 on white (and white on blue.8) passes WCAG AA for text, the default
// shade does not; focus rings stay visible for keyboard users.
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  focusRing: 'always',
  defaultRadius: 'sm',
});

/**
 * Hash routes (`/#/incidents/…`): the API serves the built files as they are, and a deep link
 * still opens the right page without a server-side fallback.
 */
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      {
        index: true,
        element: (
          <Page>
            <HistoryPage />
          </Page>
        ),
      },
      {
        path: 'incidents/new',
        element: (
          <Page>
            <NewIncidentPage />
          </Page>
        ),
      },
      {
        path: 'incidents/:id',
        element: (
          <Page>
            <IncidentPage />
          </Page>
        ),
      },
      {
        path: 'catalogue',
        element: (
          <Page>
            <CataloguePage />
          </Page>
        ),
      },
      {
        path: 'catalogue/:id',
        element: (
          <Page>
            <RootCausePage />
          </Page>
        ),
      },
      {
        path: 'settings',
        element: (
          <Page>
            <SettingsPage />
          </Page>
        ),
      },
    ],
  },
]);

export function App() {
  const client = useMemo(() => createApolloClient(), []);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <ApolloProvider client={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </ApolloProvider>
    </MantineProvider>
  );
}
