import type { IncidentPageQuery } from '../../gql/graphql';

export type IncidentData = NonNullable<IncidentPageQuery['incident']>;
export type AnalysisData = IncidentData['analyses'][number];
export type FindingData = AnalysisData['findings'][number];

/** The analysis whose findings the page shows: the newest that finished, else the newest. */
export function currentAnalysis(incident: IncidentData): AnalysisData | null {
  return (
    incident.analyses.find((analysis) => analysis.status === 'SUCCEEDED') ??
    incident.analyses[0] ??
    null
  );
}
