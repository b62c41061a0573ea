import { useQuery } from '@apollo/client/react';
import { Tabs, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { QueryState } from '../../components/common';
import { ConntrackTimeline } from '../../components/conntrack-timeline/ConntrackTimeline';
import { LadderDiagram } from '../../components/ladder/LadderDiagram';
import { FLOW_TRACE } from './incident.documents';
import type { FlowPacket } from '../../components/ladder/flow-packet';
import type { FlowRef } from './finding-json';

type Picture = 'ladder' | 'conntrack';

/** The failing flow drawn two ways; the flow's packets load when a picture is first opened. */
export function FlowPictures({ analysisId, flow }: { analysisId: string; flow: FlowRef }) {
  const [picture, setPicture] = useState<Picture | null>(null);
  return (
    <Tabs
      value={picture}
      onChange={(value) => setPicture(value as Picture | null)}
      allowTabDeactivation
      keepMounted={false}
    >
      <Tabs.List>
        <Tabs.Tab value="ladder">Ladder diagram</Tabs.Tab>
        <Tabs.Tab value="conntrack">Conntrack timeline</Tabs.Tab>
      </Tabs.List>
      {picture && (
        <Tabs.Panel value={picture} pt="sm">
          <FlowTracePicture analysisId={analysisId} flow={flow} picture={picture} />
        </Tabs.Panel>
      )}
    </Tabs>
  );
}

function FlowTracePicture({
  analysisId,
  flow,
  picture,
}: {
  analysisId: string;
  flow: FlowRef;
  picture: Picture;
}) {
  // Thousands of packets: keep them out of the normalised cache, where writing them costs more
  // than fetching them.
  const { data, loading, error } = useQuery(FLOW_TRACE, {
    variables: {
      analysisId,
      client: flow.client,
      server: flow.server,
      backend: flow.backend ?? null,
    },
    fetchPolicy: 'no-cache',
  });
  const trace = data?.analysis?.flowTrace;
  const packets = useMemo(() => flowPackets(trace?.packets), [trace?.packets]);
  return (
    <QueryState loading={loading} error={error}>
      {trace && !trace.available && (
        <Text c="dark.3">This analysis has no stored simulation to draw the flow from.</Text>
      )}
      {trace?.available && trace.totalPackets > packets.length && (
        <Text size="sm" c="dark.3">
          The first {packets.length} of {trace.totalPackets} packets.
        </Text>
      )}
      {trace?.available && picture === 'ladder' && (
        <LadderDiagram
          packets={packets}
          client={flow.client}
          server={flow.server}
          backend={flow.backend}
        />
      )}
      {trace?.available && picture === 'conntrack' && (
        <ConntrackTimeline packets={packets} events={trace.events} />
      )}
    </QueryState>
  );
}

/** The trace's packets arrive as one JSON value (see the schema); keep the well-formed ones. */
function flowPackets(value: unknown): FlowPacket[] {
  if (!Array.isArray(value)) return [];
  return (value as unknown[]).filter(
    (item): item is FlowPacket =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as FlowPacket).timeUs === 'number' &&
      typeof (item as FlowPacket).index === 'number',
  );
}
