import { Badge, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { ArtifactReference } from '../../components/artifact-viewer/ArtifactViewer';
import { evidenceLabel } from '../../components/artifact-viewer/evidence-locator';
import { EvidenceList } from './EvidenceList';
import { evidencePointer, evidencePointers, flowRef, remediations } from './finding-json';
import { FlowPictures } from './FlowPictures';
import type { FindingData } from './incident-types';
import { RemediationList } from './RemediationList';
import { ReviewForm } from './ReviewForm';

interface FindingArticleProps {
  readonly finding: FindingData;
  readonly rank: number;
  readonly analysisId: string;
  readonly onOpenEvidence: (reference: ArtifactReference) => void;
}

function Part({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div>
      <Title order={5} mb={4}>
        {title}
      </Title>
      {children}
    </div>
  );
}

/** One finding: what happened, why the matcher thinks so, what to do, and the team's verdict. */
export function FindingArticle({ finding, rank, analysisId, onOpenEvidence }: FindingArticleProps) {
  const evidence = useMemo(() => evidencePointers(finding.evidence), [finding.evidence]);
  const against = useMemo(
    () => evidencePointers(finding.evidenceAgainst),
    [finding.evidenceAgainst],
  );
  const remediation = useMemo(() => remediations(finding.remediation), [finding.remediation]);
  const flow = flowRef(finding.flow);
  const headingId = `finding-${finding.id}`;
  const percent = Math.round(finding.confidence * 100);
  return (
    <Paper component="article" aria-labelledby={headingId} withBorder p="md" radius="md">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Title order={4} id={headingId}>
            {finding.rootCause?.title ?? finding.rootCauseId}
          </Title>
          <Group gap="xs">
            <Badge variant="light" color="dark" tt="none">
              #{rank}
            </Badge>
            <Badge
              color={percent >= 80 ? 'red.9' : percent >= 50 ? '#9c3d00' : 'gray.7'}
              tt="none"
              size="lg"
            >
              confidence {percent} %
            </Badge>
          </Group>
        </Group>
        <Text>{finding.summary}</Text>
        {flow && (
          <Text size="sm" ff="monospace">
            flow {flow.client} → {flow.server}
            {flow.backend ? ` (really ${flow.backend})` : ''}
          </Text>
        )}
        {finding.narrative.length > 0 && (
          <Part title="What happened">
            <List type="ordered" spacing={4}>
              {finding.narrative.map((step, i) => {
                const pointer = evidencePointer(step.evidence);
                return (
                  <List.Item key={i}>
                    {step.time && (
                      <Text span ff="monospace" size="sm" mr={6}>
                        <time dateTime={step.time}>{step.time.slice(11, 26)}</time>
                      </Text>
                    )}
                    {step.text}
                    {pointer && (
                      <>
                        {' '}
                        (
                        <Text
                          span
                          component="button"
                          type="button"
                          c="blue.8"
                          td="underline"
                          ff="monospace"
                          size="sm"
                          style={{ background: 'none', border: 0, padding: 0, cursor: 'pointer' }}
                          onClick={() => onOpenEvidence(pointer)}
                        >
                          {evidenceLabel(pointer.artifact, pointer.locator)}
                        </Text>
                        )
                      </>
                    )}
                  </List.Item>
                );
              })}
            </List>
          </Part>
        )}
        <Part title="Evidence">
          <EvidenceList items={evidence} label="Evidence" onOpen={onOpenEvidence} />
        </Part>
        <Part title="Evidence against">
          <EvidenceList items={against} label="Evidence against" onOpen={onOpenEvidence} />
        </Part>
        {finding.nextEvidence.length > 0 && (
          <Part title="Next evidence to collect">
            <List spacing={2}>
              {finding.nextEvidence.map((item, i) => (
                <List.Item key={i}>{item}</List.Item>
              ))}
            </List>
          </Part>
        )}
        {flow && (
          <Part title="Pictures of the flow">
            <FlowPictures analysisId={analysisId} flow={flow} />
          </Part>
        )}
        <Part title="Remediation">
          <RemediationList items={remediation} />
        </Part>
        {finding.notes.length > 0 && (
          <Part title="Notes">
            <List spacing={2}>
              {finding.notes.map((note, i) => (
                <List.Item key={i}>{note}</List.Item>
              ))}
            </List>
          </Part>
        )}
        <Part title="Review">
          <ReviewForm finding={finding} />
        </Part>
      </Stack>
    </Paper>
  );
}
