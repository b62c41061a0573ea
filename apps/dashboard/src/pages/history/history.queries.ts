import { graphql } from '../../gql';

export const HISTORY_INCIDENTS = graphql(`
  query HistoryIncidents($filter: IncidentFilterInput, $after: String, $first: Int!) {
    incidents(filter: $filter, after: $after, first: $first) {
      nodes {
        id
        title
        status
        severity
        labels
        occurredAt
        createdAt
        topRootCause {
          rootCauseId
          title
          confidence
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const HISTORY_INSIGHTS = graphql(`
  query HistoryInsights($filter: IncidentFilterInput, $bucket: TimelineBucket!) {
    incidentFacets(filter: $filter) {
      total
      rootCauses {
        rootCauseId
        title
        count
      }
      statuses {
        status
        count
      }
      severities {
        severity
        count
      }
    }
    incidentTimeline(filter: $filter, bucket: $bucket) {
      start
      rootCauseId
      count
    }
  }
`);
