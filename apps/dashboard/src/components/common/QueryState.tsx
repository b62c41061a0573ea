import { Alert, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';

interface QueryStateProps {
  readonly loading: boolean;
  readonly error?: { readonly message: string } | null | undefined;
  /** Shown once the data is there (or while a refetch runs over data already shown). */
  readonly children?: ReactNode;
  /** Keep showing children during loading (e.g. a refetch after a filter change). */
  readonly keepChildren?: boolean;
}

/**
 * The loading and error states every page shares: a Loader named "Loading" and an Alert with
 * role="alert", so people, screen readers and browser tests see the same thing everywhere.
 */
export function QueryState({ loading, error, children, keepChildren = false }: QueryStateProps) {
  if (error)
    return (
      <Alert color="red" role="alert" title="Something went wrong">
        {error.message}
      </Alert>
    );
  if (loading && !keepChildren)
    return (
      <Center py="xl" aria-busy="true">
        <Loader aria-label="Loading" />
      </Center>
    );
  return <>{children}</>;
}
