import { ApolloProvider } from '@apollo/client/react';
import { MantineProvider, createTheme } from '@mantine/core';
import { useMemo } from 'react';
import { createHashRouter, RouterProvider } from 'react-router';
import { CataloguePage } from '../pages/catalogue/CataloguePage';
import { RootCausePage } from '../pages/catalogue/RootCausePage';
import { HistoryPage } from '../pages/history/HistoryPage';
import { IncidentPage } from '../pages/incident/IncidentPage';
import { NewIncidentPage } from '../pages/new-incident/NewIncidentPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { createApolloClient } from './apollo';
import { Layout } from './Layout';
import { SessionProvider } from './session';

// Contrast first: the default blue on white passes AA for text; focus rings stay visible.
const theme = createTheme({ primaryColor: 'blue', focusRing: 'always', defaultRadius: 'sm' });

/**
 * Hash routes (`/#/incidents/…`): the API serves the built files as they are, and a deep link
 * still opens the right page without a server-side fallback.
 */
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HistoryPage /> },
      { path: 'incidents/new', element: <NewIncidentPage /> },
      { path: 'incidents/:id', element: <IncidentPage /> },
      { path: 'catalogue', element: <CataloguePage /> },
      { path: 'catalogue/:id', element: <RootCausePage /> },
      { path: 'settings', element: <SettingsPage /> },
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
