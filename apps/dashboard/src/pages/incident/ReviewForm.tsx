import { useMutation } from '@apollo/client/react';
import { Alert, Badge, Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { ReviewVerdict } from '../../gql/graphql';
import { REVIEW_FINDING } from './incident.documents';
import type { FindingData } from './incident-types';

/** Confirm or reject a finding with a note; the reviews so far are listed above. */
export function ReviewForm({ finding }: { finding: FindingData }) {
  const [note, setNote] = useState('');
  const [review, { loading, error }] = useMutation(REVIEW_FINDING);
  const submit = (verdict: ReviewVerdict) =>
    void review({ variables: { findingId: finding.id, verdict, note } })
      .then(() => setNote(''))
      .catch(() => undefined);
  return (
    <Stack gap="xs">
      {finding.reviews.map((entry) => (
        <Group key={entry.id} gap="xs">
          <Badge color={entry.verdict === 'CONFIRMED' ? 'teal.9' : 'red.9'} variant="filled">
            {entry.verdict.toLowerCase()}
          </Badge>
          <Text size="sm">
            {entry.reviewer}
            {entry.note ? `: ${entry.note}` : ''}
          </Text>
        </Group>
      ))}
      <Textarea
        label="Review note"
        autosize
        minRows={1}
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
      />
      {error && (
        <Alert color="red" role="alert" title="Review not saved">
          {error.message}
        </Alert>
      )}
      <Group gap="xs">
        <Button color="teal.9" onClick={() => submit('CONFIRMED')} loading={loading}>
          Confirm
        </Button>
        <Button
          color="red.9"
          variant="outline"
          onClick={() => submit('REJECTED')}
          loading={loading}
        >
          Reject
        </Button>
      </Group>
    </Stack>
  );
}
