import { useQuery } from '@apollo/client/react';
import { createContext, useContext, type ReactNode } from 'react';
import { graphql } from '../gql';
import type { MeQuery } from '../gql/graphql';

const ME = graphql(`
  query Me {
    me {
      name
      role
      team {
        id
        name
      }
    }
  }
`);

export type Me = MeQuery['me'];

interface SessionState {
  readonly me: Me | null;
  readonly loading: boolean;
  readonly refresh: () => Promise<unknown>;
}

const SessionContext = createContext<SessionState>({
  me: null,
  loading: true,
  refresh: () => Promise.resolve(),
});

/** Who is signed in: `me` answers for a session cookie (or refuses, and the app shows sign-in). */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const { data, loading, refetch } = useQuery(ME, { errorPolicy: 'all' });
  return (
    <SessionContext.Provider value={{ me: data?.me ?? null, loading, refresh: () => refetch() }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}

export async function signIn(email: string, password: string): Promise<string | null> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ email, password }),
  });
  if (response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return body.message ?? `sign-in failed (${response.status})`;
}

export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
  });
}
