import { useQuery } from '@apollo/client/react';
import { Alert, Badge, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import {
  ArtifactViewer,
  type ArtifactReference,
} from '../../components/artifact-viewer/ArtifactViewer';
import { QueryState } from '../../components/common';
import { CommentsSection } from './CommentsSection';
import { FindingArticle } from './FindingArticle';
import { INCIDENT_PAGE } from './incident.documents';
import { currentAnalysis } from './incident-types';
import { SummarySection } from './SummarySection';
import { TimelineSection } from './TimelineSection';

/** `/incidents/:id`: summary, timeline, ranked findings with their evidence, and comments. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(INCIDENT_PAGE, { variables: { id } });
  const [viewing, setViewing] = useState<ArtifactReference | null>(null);
  const incident = data?.incident;
  const analysis = incident ? currentAnalysis(incident) : null;
  const findings = analysis?.findings ?? [];
  return (
    <QueryState loading={loading && !data} error={error}>
      {!incident ? (
        <Alert color="red" role="alert" title="Incident not found">
          There is no incident {id} in your team.
        </Alert>
      ) : (
        <Stack gap="lg">
          <Group gap="sm" align="center">
            <Title order={2}>{incident.title}</Title>
            <Badge variant="outline" color="dark">
              {incident.status}
            </Badge>
          </Group>
          <SummarySection incident={incident} top={findings[0] ?? null} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <section aria-labelledby="incident-findings">
                <Title order={3} id="incident-findings" mb="xs">
                  Findings
                </Title>
                {analysis?.status === 'FAILED' && (
                  <Alert color="red" role="alert" title="The analysis failed" mb="sm">
                    {analysis.error}
                  </Alert>
                )}
                {analysis && analysis.status !== 'SUCCEEDED' && analysis.status !== 'FAILED' && (
                  <Text c="dark.3">
                    The analysis is {analysis.status.toLowerCase()}; findings appear when it
                    finishes.
                  </Text>
                )}
                {!analysis && <Text c="dark.3">No bundle analysed yet.</Text>}
                {analysis?.status === 'SUCCEEDED' && findings.length === 0 && (
                  <Text c="dark.3">No known root cause in this bundle.</Text>
                )}
                <Stack gap="md">
                  {findings.map((finding, rank) => (
                    <FindingArticle
                      key={finding.id}
                      finding={finding}
                      rank={rank + 1}
                      analysisId={analysis!.id}
                      onOpenEvidence={setViewing}
                    />
                  ))}
                </Stack>
              </section>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <TimelineSection incident={incident} />
            </Grid.Col>
          </Grid>
          <CommentsSection incident={incident} onAdded={() => refetch()} />
          {analysis && (
            <ArtifactViewer
              reference={viewing}
              bundleId={analysis.bundleId}
              analysisId={analysis.id}
              onClose={() => setViewing(null)}
            />
          )}
        </Stack>
      )}
    </QueryState>
  );
}
