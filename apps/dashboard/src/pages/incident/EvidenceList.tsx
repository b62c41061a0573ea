import { Anchor, List, Text } from '@mantine/core';
import { evidenceLabel } from '../../components/artifact-viewer/evidence-locator';
import type { EvidencePointer } from './finding-json';

interface EvidenceListProps {
  readonly items: readonly EvidencePointer[];
  readonly label: string;
  readonly onOpen: (pointer: EvidencePointer) => void;
}

/** Evidence items as buttons named by artifact path first, each opening the artifact viewer. */
export function EvidenceList({ items, label, onOpen }: EvidenceListProps) {
  if (items.length === 0) return <Text c="dark.3">None.</Text>;
  return (
    <List aria-label={label} spacing={4}>
      {items.map((item, i) => (
        <List.Item key={i}>
          <Anchor
            c="blue.9"
            component="button"
            type="button"
            onClick={() => onOpen(item)}
            ff="monospace"
            fz="sm"
          >
            {evidenceLabel(item.artifact, item.locator)}
          </Anchor>
          {item.note && <Text span> — {item.note}</Text>}
        </List.Item>
      ))}
    </List>
  );
}
