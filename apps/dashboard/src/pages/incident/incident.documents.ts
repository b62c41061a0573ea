import { graphql } from '../../gql';

export const INCIDENT_PAGE = graphql(`
  query IncidentPage($id: ID!) {
    incident(id: $id) {
      id
      title
      description
      status
      severity
      labels
      createdAt
      occurredAt
      mitigatedAt
      resolvedAt
      bundles {
        id
        createdAt
        originalName
      }
      comments {
        id
        author
        body
        createdAt
      }
      analyses {
        id
        bundleId
        status
        queuedAt
        finishedAt
        error
        stages {
          name
          state
          finishedAt
          note
        }
        findings {
          id
          rootCauseId
          confidence
          summary
          flow
          evidence
          evidenceAgainst
          remediation
          createdAt
          rootCause {
            id
            title
          }
          narrative {
            time
            text
            evidence
          }
          nextEvidence
          notes
          reviews {
            id
            reviewer
            verdict
            note
            updatedAt
          }
        }
      }
    }
  }
`);

export const UPDATE_INCIDENT_STATUS = graphql(`
  mutation UpdateIncidentStatus($id: ID!, $status: IncidentStatus!) {
    updateIncident(id: $id, input: { status: $status }) {
      id
      status
      mitigatedAt
      resolvedAt
      updatedAt
    }
  }
`);

export const REVIEW_FINDING = graphql(`
  mutation ReviewFinding($findingId: ID!, $verdict: ReviewVerdict!, $note: String) {
    reviewFinding(findingId: $findingId, verdict: $verdict, note: $note) {
      id
      reviews {
        id
        reviewer
        verdict
        note
        updatedAt
      }
    }
  }
`);

export const ADD_COMMENT = graphql(`
  mutation AddComment($incidentId: ID!, $body: String!) {
    addComment(incidentId: $incidentId, body: $body) {
      id
      author
      body
      createdAt
    }
  }
`);

export const FLOW_TRACE = graphql(`
  query FlowTrace($analysisId: ID!, $client: String!, $server: String!, $backend: String) {
    analysis(id: $analysisId) {
      id
      flowTrace(client: $client, server: $server, backend: $backend) {
        available
        totalPackets
        packets
        events {
          time
          timeUs
          kind
          entryId
          from
          to
          timer
          note
        }
      }
    }
  }
`);
