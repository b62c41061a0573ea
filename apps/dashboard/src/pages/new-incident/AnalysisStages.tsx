import { useSubscription } from '@apollo/client/react';
import { Alert, Group, List, Loader, Progress, Text, ThemeIcon } from '@mantine/core';
import { useEffect } from 'react';
import { graphql } from '../../gql';
import { STAGES, stageStates, type StageView } from './analysis-stages';

const ANALYSIS_PROGRESS = graphql(`
  subscription AnalysisProgressLive($analysisId: ID!) {
    analysisProgress(analysisId: $analysisId) {
      analysisId
      status
      stage
      progress
      error
    }
  }
`);

const MARK: Record<StageView, { text: string; color: string }> = {
  pending: { text: '·', color: 'gray.6' },
  running: { text: '…', color: 'blue.8' },
  done: { text: '✓', color: 'teal.9' },
  failed: { text: '✗', color: 'red.9' },
};
const SPOKEN: Record<StageView, string> = {
  pending: 'waiting',
  running: 'running',
  done: 'done',
  failed: 'failed',
};

interface AnalysisStagesProps {
  readonly analysisId: string;
  /** Called once, when the analysis succeeded. */
  readonly onDone: () => void;
}

/** The analysis stages as the worker reports them, live over the GraphQL subscription. */
export function AnalysisStages({ analysisId, onDone }: AnalysisStagesProps) {
  const { data, error } = useSubscription(ANALYSIS_PROGRESS, { variables: { analysisId } });
  const snapshot = data?.analysisProgress;
  const succeeded = snapshot?.status === 'SUCCEEDED';
  useEffect(() => {
    if (succeeded) onDone();
  }, [succeeded, onDone]);

  const states = stageStates(snapshot ?? { status: 'QUEUED', progress: 0 });
  return (
    <>
      <Progress
        value={snapshot?.progress ?? 0}
        aria-label="Analysis progress"
        size="sm"
        animated={!succeeded && snapshot?.status !== 'FAILED'}
      />
      <List listStyleType="none" spacing={4} aria-label="Analysis stages" aria-live="polite">
        {STAGES.map((stage, index) => {
          const state = states[index] ?? 'pending';
          return (
            <List.Item key={stage.name} data-state={state}>
              <Group gap="xs" wrap="nowrap">
                {state === 'running' ? (
                  <Loader size={16} aria-hidden="true" />
                ) : (
                  <ThemeIcon
                    size={16}
                    radius="xl"
                    variant="transparent"
                    c={MARK[state].color}
                    aria-hidden="true"
                  >
                    {MARK[state].text}
                  </ThemeIcon>
                )}
                <Text size="sm" fw={state === 'running' ? 600 : 400}>
                  {stage.label}
                  <Text span size="sm" c="gray.7">
                    {` — ${SPOKEN[state]}`}
                  </Text>
                </Text>
              </Group>
            </List.Item>
          );
        })}
      </List>
      {snapshot?.status === 'FAILED' && (
        <Alert color="red" role="alert" title="The analysis failed">
          {snapshot.error ?? 'The worker gave no reason.'}
        </Alert>
      )}
      {error && (
        <Alert color="red" role="alert" title="Lost the live progress">
          {error.message}
        </Alert>
      )}
    </>
  );
}
