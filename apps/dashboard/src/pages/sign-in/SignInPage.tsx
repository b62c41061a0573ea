import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { signIn } from '../../app/session';

export function SignInPage({ onSignedIn }: { readonly onSignedIn: () => Promise<unknown> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const problem = await signIn(field('email'), field('password'));
    setBusy(false);
    if (problem) setError(problem);
    else await onSignedIn();
  }

  return (
    <Center h="100vh" component="main">
      <Paper
        withBorder
        p="lg"
        w={360}
        component="form"
        onSubmit={submit}
        aria-labelledby="sign-in-title"
      >
        <Stack>
          <Title order={1} size="h2" id="sign-in-title">
            Sign in to netmortem
          </Title>
          <TextInput name="email" type="email" label="Email" autoComplete="username" required />
          <PasswordInput
            name="password"
            label="Password"
            autoComplete="current-password"
            required
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
