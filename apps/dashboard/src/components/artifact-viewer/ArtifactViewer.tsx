import { Modal, Text, Title } from '@mantine/core';
import { evidenceTarget } from './evidence-locator';
import { PacketTable } from './PacketTable';
import { TextWindow } from './TextWindow';

export interface ArtifactReference {
  readonly artifact: string;
  readonly locator: string;
  readonly note?: string;
}

interface ArtifactViewerProps {
  readonly reference: ArtifactReference | null;
  readonly bundleId: string;
  readonly analysisId: string;
  readonly onClose: () => void;
}

/** The evidence in place: a text artifact at its line, or a capture at its packet. */
export function ArtifactViewer({ reference, bundleId, analysisId, onClose }: ArtifactViewerProps) {
  const target = reference ? evidenceTarget(reference.locator, reference.artifact) : null;
  return (
    <Modal.Root opened={reference !== null} onClose={onClose} size="min(1200px, 96vw)">
      <Modal.Overlay />
      <Modal.Content aria-label="Artifact viewer">
        <Modal.Header>
          <Title order={3} size="h4">
            {reference?.artifact}
            {reference?.locator ? ` · ${reference.locator}` : ''}
          </Title>
          <Modal.CloseButton aria-label="Close artifact viewer" />
        </Modal.Header>
        <Modal.Body>
          {reference?.note && (
            <Text size="sm" mb="sm">
              {reference.note}
            </Text>
          )}
          {reference && target?.kind === 'packet' && (
            <PacketTable
              analysisId={analysisId}
              capture={reference.artifact}
              packet={target.packet}
            />
          )}
          {reference && target && target.kind !== 'packet' && (
            <TextWindow
              bundleId={bundleId}
              path={reference.artifact}
              line={target.kind === 'line' ? target.line : null}
            />
          )}
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}
