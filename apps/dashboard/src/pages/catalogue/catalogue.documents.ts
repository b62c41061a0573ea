import { graphql } from '../../gql';

export const ROOT_CAUSE_LIST = graphql(`
  query RootCauseList {
    rootCauses {
      id
      title
      summary
      symptoms
      builtin
      status
      matches(first: 0) {
        count
      }
    }
  }
`);

export const ROOT_CAUSE_DETAIL = graphql(`
  query RootCauseDetail($id: ID!) {
    rootCause(id: $id) {
      id
      title
      summary
      symptoms
      builtin
      status
      version
      mechanism
      signatures {
        kind
        what
        example
      }
      affected {
        kernel
        envoy
        istio
        clientGo
        other
      }
      sysctls {
        key
        default
        role
      }
      remediationOptions {
        id
        title
        provable
        tradeoffs
        steps {
          label
          language
          code
        }
      }
      verification
      references {
        title
        url
      }
      lab {
        description
        command
        kernelNotes
        variants {
          id
          description
          command
        }
      }
      matches(first: 10) {
        count
        latest {
          incidentId
          title
          status
          createdAt
          confidence
        }
      }
      reviewRecord {
        confirmed
        rejected
        confirmationRate
      }
    }
  }
`);
