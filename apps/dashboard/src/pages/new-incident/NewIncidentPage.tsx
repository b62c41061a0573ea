import { useMutation } from '@apollo/client/react';
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { CopyButton } from '../../components/common';
import { graphql } from '../../gql';
import type { Severity } from '../../gql/graphql';
import { parseLabelFilter } from '../history/label-filter';
import { AnalysisStages } from './AnalysisStages';
import { BundleDropzone } from './BundleDropzone';
import { collectorCommand } from './collector-command';
import { uploadBundle } from './upload-bundle';

const CREATE_INCIDENT = graphql(`
  mutation CreateIncidentFromDashboard($input: CreateIncidentInput!) {
    createIncident(input: $input) {
      id
      title
    }
  }
`);

type Phase =
  | { readonly kind: 'idle' }
  | { readonly kind: 'creating' }
  | { readonly kind: 'uploading'; readonly fileName: string; readonly fraction: number }
  | { readonly kind: 'analysing'; readonly analysisId: string }
  | { readonly kind: 'failed'; readonly message: string };

const SEVERITY_OPTIONS = [
  { value: 'CRITICAL', label: 'Critical' },
  { value: 'HIGH', label: 'High' },
  { value: 'MEDIUM', label: 'Medium' },
  { value: 'LOW', label: 'Low' },
];

/**
 * File an incident and hand it a bundle: choosing or dropping a file creates the incident
 * (if it does not exist yet), uploads with a progress bar, then follows the analysis live
 * and opens the incident once findings are in.
 */
export function NewIncidentPage() {
  const navigate = useNavigate();
  const [createIncident] = useMutation(CREATE_INCIDENT);
  const [title, setTitle] = useState('');
  const [titleError, setTitleError] = useState<string | null>(null);
  const [severity, setSeverity] = useState<Severity>('MEDIUM');
  const [labels, setLabels] = useState('');
  const [description, setDescription] = useState('');
  const [incident, setIncident] = useState<{ id: string; title: string } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const creating = useRef<Promise<{ id: string; title: string } | null> | null>(null);
  const parsedLabels = parseLabelFilter(labels);
  const busy = phase.kind === 'creating' || phase.kind === 'uploading';

  /** The incident to upload into: the one created already, or a new one from the form. */
  async function ensureIncident(): Promise<{ id: string; title: string } | null> {
    if (incident) return incident;
    if (!title.trim()) {
      setTitleError('Give the incident a title first');
      return null;
    }
    if (!parsedLabels.ok) return null;
    creating.current ??= (async () => {
      setPhase({ kind: 'creating' });
      const result = await createIncident({
        variables: {
          input: {
            title: title.trim(),
            severity,
            labels: parsedLabels.labels,
            ...(description.trim() ? { description: description.trim() } : {}),
          },
        },
      });
      const created = result.data?.createIncident ?? null;
      if (created) setIncident(created);
      setPhase({ kind: 'idle' });
      return created;
    })().finally(() => {
      creating.current = null;
    });
    return creating.current;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    try {
      await ensureIncident();
    } catch (error) {
      setPhase({ kind: 'failed', message: messageOf(error) });
    }
  }

  async function onFile(file: File) {
    try {
      const target = await ensureIncident();
      if (!target) return;
      setPhase({ kind: 'uploading', fileName: file.name, fraction: 0 });
      const uploaded = await uploadBundle(target.id, file, (fraction) =>
        setPhase({ kind: 'uploading', fileName: file.name, fraction }),
      );
      if (uploaded.analysisId) setPhase({ kind: 'analysing', analysisId: uploaded.analysisId });
      else void navigate(`/incidents/${target.id}`);
    } catch (error) {
      setPhase({ kind: 'failed', message: messageOf(error) });
    }
  }

  const incidentId = incident?.id;
  const openIncident = useCallback(() => {
    if (incidentId) void navigate(`/incidents/${incidentId}`);
  }, [incidentId, navigate]);

  const command = collectorCommand(window.location.origin);
  return (
    <Stack gap="lg" maw={880}>
      <Title order={2}>New incident</Title>

      <Paper withBorder p="md" component="form" onSubmit={onSubmit} aria-label="Incident details">
        <Stack gap="sm">
          <TextInput
            label="Title"
            required
            placeholder="Checkout calls reset behind the egress NAT"
            value={title}
            error={titleError}
            disabled={incident !== null}
            onChange={(event) => {
              setTitle(event.currentTarget.value);
              setTitleError(null);
            }}
          />
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Select
              label="Severity"
              data={SEVERITY_OPTIONS}
              value={severity}
              allowDeselect={false}
              disabled={incident !== null}
              onChange={(value) => value && setSeverity(value as Severity)}
            />
            <TextInput
              label="Labels"
              placeholder="cluster=prod, service=checkout"
              value={labels}
              disabled={incident !== null}
              error={parsedLabels.ok ? undefined : parsedLabels.error}
              onChange={(event) => setLabels(event.currentTarget.value)}
            />
          </SimpleGrid>
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxRows={8}
            value={description}
            disabled={incident !== null}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <Group justify="space-between">
            {incident ? (
              <Text size="sm">
                Created{' '}
                <Anchor component={Link} to={`/incidents/${incident.id}`} c="blue.8">
                  {incident.title}
                </Anchor>
                . Add a bundle below.
              </Text>
            ) : (
              <Text size="sm" c="gray.7">
                Dropping a bundle below creates the incident too.
              </Text>
            )}
            {!incident && (
              <Button type="submit" color="blue.8" loading={phase.kind === 'creating'}>
                Create incident
              </Button>
            )}
          </Group>
        </Stack>
      </Paper>

      <Stack gap="xs">
        <Title order={3}>Bundle</Title>
        <BundleDropzone disabled={busy || phase.kind === 'analysing'} onFile={onFile} />
        {phase.kind === 'uploading' && (
          <Stack gap={4}>
            <Text size="sm">
              Uploading {phase.fileName}: {Math.round(phase.fraction * 100)} %
            </Text>
            <Progress value={phase.fraction * 100} aria-label="Upload progress" />
          </Stack>
        )}
        {phase.kind === 'analysing' && (
          <Stack gap="xs">
            <Text size="sm">Uploaded. Analysing:</Text>
            <Progress value={100} aria-label="Upload progress" color="teal.9" size="xs" />
            <AnalysisStages analysisId={phase.analysisId} onDone={openIncident} />
          </Stack>
        )}
        {phase.kind === 'failed' && (
          <Alert color="red" role="alert" title="That did not work">
            {phase.message}
          </Alert>
        )}
      </Stack>

      <Stack gap="xs">
        <Title order={3}>Collect a bundle on a node</Title>
        <Text size="sm">
          Run this as root on the node (or inside the pod&apos;s network namespace) while the
          problem happens. It records 30 seconds and prints the path of a .tar.gz to drop above.
        </Text>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
            {command}
          </Code>
          <CopyButton value={command} label="Copy collector command" />
        </Group>
      </Stack>
    </Stack>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
