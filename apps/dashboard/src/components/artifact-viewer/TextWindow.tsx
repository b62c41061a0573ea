import { useQuery } from '@apollo/client/react';
import { Button, Group, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { QueryState } from '../common';
import { ARTIFACT_TEXT } from './artifact-viewer.documents';

interface TextWindowProps {
  readonly bundleId: string;
  readonly path: string;
  /** The line the evidence points at, or null for the artifact from its start. */
  readonly line: number | null;
}

const STEP = 100;

/** A window of a text artifact with the cited line highlighted and scrolled into view. */
export function TextWindow({ bundleId, path, line }: TextWindowProps) {
  const [center, setCenter] = useState(line ?? 61);
  const { data, loading, error } = useQuery(ARTIFACT_TEXT, {
    variables: { bundleId, path, line: center },
  });
  const highlighted = useRef<HTMLDivElement>(null);
  const lines = data?.artifactText.lines ?? [];
  useEffect(() => {
    highlighted.current?.scrollIntoView({ block: 'center' });
  }, [data]);
  const first = lines[0]?.number ?? 1;
  return (
    <QueryState loading={loading && !data} error={error}>
      <Group gap="xs" mb="xs">
        <Button
          size="xs"
          variant="default"
          disabled={first <= 1}
          onClick={() => setCenter(Math.max(1, center - STEP))}
        >
          Earlier lines
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={data?.artifactText.endOfFile ?? true}
          onClick={() => setCenter(center + STEP)}
        >
          Later lines
        </Button>
        {line !== null && (
          <Button size="xs" variant="outline" color="blue.9" onClick={() => setCenter(line)}>
            Back to line {line}
          </Button>
        )}
      </Group>
      <div
        style={{
          maxHeight: '60vh',
          overflow: 'auto',
          fontFamily: 'var(--mantine-font-family-monospace)',
          fontSize: 13,
        }}
        tabIndex={0}
        role="region"
        aria-label={`Lines of ${path}`}
      >
        {lines.length === 0 && <Text c="dark.3">No lines here: the artifact is shorter.</Text>}
        {lines.map((entry) => {
          const current = entry.number === line;
          return (
            <div
              key={entry.number}
              ref={current ? highlighted : undefined}
              aria-current={current ? 'true' : undefined}
              style={{
                display: 'flex',
                whiteSpace: 'pre',
                background: current ? '#fff3bf' : undefined,
                outline: current ? '2px solid #e67700' : undefined,
              }}
            >
              <span
                style={{
                  color: '#495057',
                  minWidth: '5ch',
                  textAlign: 'right',
                  paddingRight: 12,
                  userSelect: 'none',
                }}
              >
                {entry.number}
              </span>
              <span>{entry.text}</span>
            </div>
          );
        })}
      </div>
    </QueryState>
  );
}
