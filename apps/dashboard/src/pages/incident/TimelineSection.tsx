import { Text, Timeline, Title } from '@mantine/core';
import { useMemo } from 'react';
import { incidentTimeline } from './incident-timeline';
import type { IncidentData } from './incident-types';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function TimelineSection({ incident }: { incident: IncidentData }) {
  const items = useMemo(() => incidentTimeline(incident), [incident]);
  return (
    <section aria-labelledby="incident-timeline">
      <Title order={3} id="incident-timeline" mb="xs">
        Timeline
      </Title>
      <Timeline bulletSize={14} lineWidth={2} active={items.length}>
        {items.map((item, i) => (
          <Timeline.Item key={i}>
            <Text size="sm">{item.text}</Text>
            <Text size="xs" c="dark.3">
              <time dateTime={item.at}>{when.format(new Date(item.at))}</time>
            </Text>
          </Timeline.Item>
        ))}
      </Timeline>
    </section>
  );
}
