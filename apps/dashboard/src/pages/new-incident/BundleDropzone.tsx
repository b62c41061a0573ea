import { Button, Paper, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useId, useRef, useState, type DragEvent } from 'react';

interface BundleDropzoneProps {
  readonly disabled: boolean;
  readonly onFile: (file: File) => void;
}

/**
 * Drop a bundle on the zone, or press its "Upload bundle" button to pick one. The file input
 * itself stays in the page, labelled "Bundle file", for tests and assistive tech.
 */
export function BundleDropzone({ disabled, onFile }: BundleDropzoneProps) {
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const [over, setOver] = useState(false);

  const pick = () => {
    if (!disabled) input.current?.click();
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };

  return (
    <>
      <Paper
        withBorder
        p="lg"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: over ? 'var(--mantine-color-blue-8)' : 'var(--mantine-color-gray-6)',
          background: over ? 'var(--mantine-color-blue-0)' : undefined,
        }}
      >
        <Stack gap="xs" align="center">
          <Button color="blue.8" onClick={pick} disabled={disabled} aria-describedby={hintId}>
            Upload bundle
          </Button>
          <Text size="sm" c="gray.7" id={hintId} ta="center">
            or drop a collector archive (.tar.gz), a capture (.pcap) or a log here
          </Text>
        </Stack>
      </Paper>
      <VisuallyHidden>
        <label htmlFor={inputId}>Bundle file</label>
        <input
          ref={input}
          id={inputId}
          type="file"
          tabIndex={-1}
          disabled={disabled}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) onFile(file);
            event.currentTarget.value = '';
          }}
        />
      </VisuallyHidden>
    </>
  );
}
