import { Button, Group, Text } from '@mantine/core';
import { scaleLinear } from 'd3-scale';
import { useMemo, useState } from 'react';
import { isRemarkable, offsetLabel, type FlowEvent, type FlowPacket } from '../ladder/flow-packet';
import { entryLifetimes, tickColumns, type EntryLifetime } from './entry-lifetimes';

interface ConntrackTimelineProps {
  readonly packets: readonly FlowPacket[];
  readonly events: readonly FlowEvent[];
}

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 20;
const ROW = 44;
const AXIS = 30;
const ENDED = new Set(['expired', 'destroyed', 'flushed']);

/**
 * Each conntrack entry of the flow as a bar from creation to expiry, its changes as dots,
 * and the flow's packets as ticks underneath (INVALID ones in red), so a packet arriving
 * after its entry expired is plain to see.
 */
export function ConntrackTimeline({ packets, events }: ConntrackTimelineProps) {
  const rows = useMemo(() => entryLifetimes(packets, events), [packets, events]);
  const [zoomed, setZoomed] = useState(true);
  const domain = useMemo(() => timeDomain(packets, events, zoomed), [packets, events, zoomed]);
  if (rows.length === 0) {
    return <Text c="dark.3">No conntrack entry or packet of this flow in the simulation.</Text>;
  }
  const x = scaleLinear()
    .domain(domain)
    .range([LEFT, WIDTH - RIGHT])
    .clamp(false);
  const origin = Math.min(...rows.map((row) => row.startUs));
  const height = AXIS + rows.length * ROW + 8;
  return (
    <div>
      <Group gap="xs" mb="xs">
        <Button
          size="xs"
          variant={zoomed ? 'filled' : 'default'}
          color={zoomed ? 'blue.9' : undefined}
          aria-pressed={zoomed}
          onClick={() => setZoomed(true)}
        >
          Around failure
        </Button>
        <Button
          size="xs"
          variant={zoomed ? 'default' : 'filled'}
          color={zoomed ? undefined : 'blue.9'}
          aria-pressed={!zoomed}
          onClick={() => setZoomed(false)}
        >
          Whole flow
        </Button>
      </Group>
      <div
        aria-label="Conntrack entry timeline"
        role="img"
        tabIndex={0}
        style={{ overflowX: 'auto' }}
      >
        <svg
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          style={{ minWidth: 640, display: 'block' }}
        >
          <Axis x={x} origin={origin} />
          {rows.map((row, i) => (
            <EntryRow key={String(row.entryId)} row={row} y={AXIS + i * ROW} x={x} />
          ))}
        </svg>
      </div>
    </div>
  );
}

/** Around the first packet that went wrong (±20 % of the flow's span, at least a second). */
function timeDomain(
  packets: readonly FlowPacket[],
  events: readonly FlowEvent[],
  zoomed: boolean,
): [number, number] {
  const times = [...packets.map((p) => p.timeUs), ...events.map((e) => e.timeUs)];
  if (times.length === 0) return [0, 1];
  let first = times[0]!;
  let last = times[0]!;
  for (const time of times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  const failing = packets.find(isRemarkable);
  if (!zoomed || !failing) return [first, Math.max(last, first + 1)];
  const half = Math.max(1_000_000, (last - first) * 0.2);
  return [Math.max(first, failing.timeUs - half), Math.min(last, failing.timeUs + half) + 1];
}

function Axis({ x, origin }: { x: (t: number) => number; origin: number }) {
  const scale = x as ReturnType<typeof scaleLinear<number, number>>;
  return (
    <g>
      {scale.ticks(6).map((tick) => (
        <g key={tick}>
          <line x1={scale(tick)} x2={scale(tick)} y1={AXIS - 6} y2={AXIS} stroke="#868e96" />
          <text x={scale(tick)} y={AXIS - 10} textAnchor="middle" fontSize={10} fill="#495057">
            {offsetLabel(tick, origin)}
          </text>
        </g>
      ))}
    </g>
  );
}

function EntryRow({ row, y, x }: { row: EntryLifetime; y: number; x: (t: number) => number }) {
  const width = WIDTH - RIGHT;
  const barY = y + 10;
  const start = Math.max(LEFT, x(row.startUs));
  const end = Math.min(width, Math.max(start + 2, x(row.endUs)));
  const ticks = tickColumns(row.packetTimes, x, width);
  const invalid = tickColumns(row.invalidTimes, x, width);
  const name = row.entryId === null ? 'no entry' : `entry ${row.entryId}`;
  return (
    <g>
      <text x={8} y={barY + 8} fontSize={12} fill="#212529" fontWeight={600}>
        {name}
      </text>
      {row.entryId !== null && end > LEFT && (
        <rect
          x={start}
          y={barY}
          width={end - start}
          height={10}
          rx={3}
          fill="#a5d8ff"
          stroke="#1864ab"
        >
          <title>{`${name}: ${row.ending ?? 'still there at the end of the evidence'}`}</title>
        </rect>
      )}
      {row.changes.map((change, i) => {
        const at = x(change.timeUs);
        if (at < LEFT || at > width) return null;
        const ended = ENDED.has(change.kind);
        return (
          <g key={i}>
            <title>{`${change.kind}${change.from || change.to ? ` ${change.from ?? ''} → ${change.to ?? ''}` : ''}${change.timer ? ` (${change.timer} timer)` : ''}: ${change.note}`}</title>
            {ended ? (
              <path
                d={`M${at - 5},${barY - 2} l10,14 M${at + 5},${barY - 2} l-10,14`}
                stroke="#c92a2a"
                strokeWidth={2.5}
              />
            ) : (
              <circle
                cx={at}
                cy={barY + 5}
                r={4}
                fill={change.kind === 'created' ? '#2b8a3e' : '#1864ab'}
              />
            )}
          </g>
        );
      })}
      {ticks.map((tick) => (
        <line
          key={tick.x}
          x1={tick.x}
          x2={tick.x}
          y1={barY + 16}
          y2={barY + 16 + Math.min(12, 4 + tick.count)}
          stroke="#868e96"
        />
      ))}
      {invalid.map((tick) => (
        <line
          key={`i${tick.x}`}
          x1={tick.x}
          x2={tick.x}
          y1={barY + 14}
          y2={barY + 30}
          stroke="#c92a2a"
          strokeWidth={2}
        >
          <title>{`${tick.count} INVALID packet(s)`}</title>
        </line>
      ))}
    </g>
  );
}
