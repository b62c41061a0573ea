import { Alert, Center, Loader } from '@mantine/core';

export function PageLoading() {
  return (
    <Center py="xl" aria-busy="true">
      <Loader aria-label="Loading" />
    </Center>
  );
}

export function PageError({
  title,
  message,
}: {
  readonly title: string;
  readonly message: string;
}) {
  return (
    <Alert color="red" role="alert" title={title}>
      {message}
    </Alert>
  );
}
