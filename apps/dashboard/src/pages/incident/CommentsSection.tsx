import { useMutation } from '@apollo/client/react';
import { Alert, Button, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { ADD_COMMENT } from './incident.documents';
import type { IncidentData } from './incident-types';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function CommentsSection({
  incident,
  onAdded,
}: {
  incident: IncidentData;
  onAdded: () => Promise<unknown>;
}) {
  const [body, setBody] = useState('');
  const [add, { loading, error }] = useMutation(ADD_COMMENT);
  const submit = async () => {
    if (!body.trim()) return;
    try {
      await add({ variables: { incidentId: incident.id, body: body.trim() } });
      setBody('');
      await onAdded();
    } catch {
      // The error state below shows what went wrong.
    }
  };
  return (
    <section aria-labelledby="incident-comments">
      <Title order={3} id="incident-comments" mb="xs">
        Comments
      </Title>
      <Stack gap="sm">
        {incident.comments.length === 0 && <Text c="dark.3">No comments yet.</Text>}
        {incident.comments.map((comment) => (
          <Paper key={comment.id} withBorder p="sm">
            <Text size="xs" c="dark.3">
              {comment.author} ·{' '}
              <time dateTime={comment.createdAt}>{when.format(new Date(comment.createdAt))}</time>
            </Text>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{comment.body}</Text>
          </Paper>
        ))}
        <Textarea
          label="Comment"
          autosize
          minRows={2}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
        />
        {error && (
          <Alert color="red" role="alert" title="Comment not added">
            {error.message}
          </Alert>
        )}
        <div>
          <Button onClick={() => void submit()} loading={loading} disabled={!body.trim()}>
            Add comment
          </Button>
        </div>
      </Stack>
    </section>
  );
}
