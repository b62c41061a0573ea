export interface TimelineInput {
  readonly createdAt: string;
  readonly mitigatedAt?: string | null;
  readonly resolvedAt?: string | null;
  readonly bundles: readonly { readonly createdAt: string; readonly originalName: string }[];
  readonly analyses: readonly {
    readonly id: string;
    readonly status: string;
    readonly queuedAt: string;
    readonly finishedAt?: string | null;
    readonly stages: readonly {
      readonly name: string;
      readonly state: string;
      readonly finishedAt?: string | null;
      readonly note?: string | null;
    }[];
    readonly findings: readonly {
      readonly createdAt: string;
      readonly rootCauseId: string;
      readonly confidence: number;
      readonly rootCause?: { readonly title: string } | null;
    }[];
  }[];
  readonly comments: readonly { readonly createdAt: string; readonly author: string }[];
}

export interface TimelineItem {
  readonly at: string;
  readonly kind: 'incident' | 'bundle' | 'analysis' | 'stage' | 'finding' | 'comment' | 'status';
  readonly text: string;
}

/** Everything that happened to the incident, oldest first (ties keep pipeline order). */
export function incidentTimeline(incident: TimelineInput): TimelineItem[] {
  const items: TimelineItem[] = [
    { at: incident.createdAt, kind: 'incident', text: 'Incident opened' },
  ];
  if (incident.mitigatedAt)
    items.push({ at: incident.mitigatedAt, kind: 'status', text: 'Marked mitigated' });
  if (incident.resolvedAt)
    items.push({ at: incident.resolvedAt, kind: 'status', text: 'Marked resolved' });
  for (const bundle of incident.bundles) {
    items.push({
      at: bundle.createdAt,
      kind: 'bundle',
      text: `Bundle uploaded: ${bundle.originalName}`,
    });
  }
  for (const analysis of [...incident.analyses].reverse()) {
    items.push({ at: analysis.queuedAt, kind: 'analysis', text: 'Analysis queued' });
    for (const stage of analysis.stages) {
      if (!stage.finishedAt) continue;
      const note = stage.note ? `: ${stage.note}` : '';
      items.push({
        at: stage.finishedAt,
        kind: 'stage',
        text: `Stage ${stage.name} ${stage.state}${note}`,
      });
    }
    for (const finding of analysis.findings) {
      const title = finding.rootCause?.title ?? finding.rootCauseId;
      items.push({
        at: finding.createdAt,
        kind: 'finding',
        text: `Finding: ${title} (confidence ${Math.round(finding.confidence * 100)} %)`,
      });
    }
    if (analysis.finishedAt) {
      items.push({
        at: analysis.finishedAt,
        kind: 'analysis',
        text: `Analysis ${analysis.status.toLowerCase()}`,
      });
    }
  }
  for (const comment of incident.comments) {
    items.push({ at: comment.createdAt, kind: 'comment', text: `Comment by ${comment.author}` });
  }
  return items
    .map((item, order) => ({ item, order, time: Date.parse(item.at) }))
    .sort((a, b) => a.time - b.time || a.order - b.order)
    .map(({ item }) => item);
}
