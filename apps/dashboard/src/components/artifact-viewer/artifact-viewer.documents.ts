import { graphql } from '../../gql';

export const ARTIFACT_TEXT = graphql(`
  query ArtifactText($bundleId: ID!, $path: String!, $line: Int!) {
    artifactText(bundleId: $bundleId, path: $path, line: $line, radius: 60) {
      path
      endOfFile
      lines {
        number
        text
      }
    }
  }
`);

export const CAPTURE_PACKETS = graphql(`
  query CapturePackets($analysisId: ID!, $capture: String!, $packet: Int!) {
    analysis(id: $analysisId) {
      id
      capturePackets(capture: $capture, packet: $packet, radius: 500) {
        available
        packets {
          index
          time
          path
          summary
          ctStateAfter
          invalidReason
          natApplied
          natSkippedBecause
          filterVerdict
          responseKind
        }
      }
    }
  }
`);
