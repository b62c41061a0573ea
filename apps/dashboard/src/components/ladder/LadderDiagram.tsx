import { Button, Group, Slider, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { relativeSeconds, type FlowPacket } from './flow-packet';
import {
  clientSide,
  focusPosition,
  layoutLadder,
  windowAround,
  type LadderArrow,
  type Lane,
} from './ladder-layout';
import { OverviewStrip } from './OverviewStrip';

interface LadderDiagramProps {
  readonly packets: readonly FlowPacket[];
  readonly client: string;
  readonly server: string;
  readonly backend?: string | null;
}

const WIDTH = 960;
const LANE_X: Record<Lane, number> = { 0: 260, 1: 560, 2: 860 };
const HEADER = 44;
const DEFAULT_ROWS = 60;
const MIN_ROWS = 10;
const MAX_ROWS = 400;

const COLOURS = {
  normal: '#495057',
  rst: '#c92a2a',
  invalid: '#d9480f',
  response: '#862e9c',
  lane: '#adb5bd',
} as const;

function arrowColour(arrow: LadderArrow): string {
  if (arrow.markers.includes('rst')) return COLOURS.rst;
  if (arrow.markers.includes('invalid') || arrow.markers.includes('dropped'))
    return COLOURS.invalid;
  return COLOURS.normal;
}

function annotation(arrow: LadderArrow): string {
  const parts: string[] = [];
  const { packet } = arrow;
  // Steady rows stay quiet: only state changes and trouble are written out.
  const changed = packet.ctStateAfter !== packet.ctStateBefore;
  if (changed) parts.push(`${packet.ctStateBefore ?? 'none'} → ${packet.ctStateAfter ?? 'none'}`);
  if (arrow.markers.includes('invalid')) parts.push('INVALID');
  if (arrow.markers.includes('nat-skipped')) parts.push('NAT skipped');
  if (arrow.markers.includes('nat') && changed) parts.push('NAT');
  if (arrow.markers.includes('dropped')) parts.push(packet.filterVerdict.toUpperCase());
  return parts.join(' · ');
}

/**
 * The failing flow as a sequence diagram: client, the host in the middle (NAT or proxy) and
 * the server, one arrow per packet, time running down. Only a window of the flow is drawn
 * (it opens around the first packet that went wrong); the strip and the slider move it.
 */
export function LadderDiagram({ packets, client, server, backend }: LadderDiagramProps) {
  const side = useMemo(() => clientSide(packets, client), [packets, client]);
  const focus = useMemo(() => focusPosition(packets), [packets]);
  const [rows, setRows] = useState(DEFAULT_ROWS);
  const [center, setCenter] = useState(focus);
  const window = windowAround(center, rows, packets.length);
  const { arrows, height } = useMemo(
    () => layoutLadder(packets, window, side),
    [packets, window.start, window.end, side],
  );
  const scroller = useRef<HTMLDivElement>(null);
  const focusY = arrows.find((arrow) => arrow.position === focus)?.y;
  // Bring the failing packet into view whenever the window holds it.
  useEffect(() => {
    if (focusY !== undefined && scroller.current)
      scroller.current.scrollTop = Math.max(0, focusY - 240);
  }, [focusY]);
  if (packets.length === 0) {
    return <Text c="dark.3">The simulation holds no packet of this flow.</Text>;
  }
  const origin = packets[0]!.timeUs;
  const move = (by: number) =>
    setCenter((at) => Math.min(packets.length - 1, Math.max(0, at + by)));
  return (
    <div>
      <Group gap="xs" mb="xs" wrap="wrap">
        <Button size="xs" variant="default" onClick={() => move(-Math.ceil(rows / 2))}>
          Earlier
        </Button>
        <Button size="xs" variant="default" onClick={() => move(Math.ceil(rows / 2))}>
          Later
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={rows <= MIN_ROWS}
          onClick={() => setRows((n) => Math.max(MIN_ROWS, Math.floor(n / 2)))}
        >
          Zoom in
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={rows >= Math.min(MAX_ROWS, packets.length)}
          onClick={() => setRows((n) => Math.min(MAX_ROWS, n * 2))}
        >
          Zoom out
        </Button>
        <Button size="xs" variant="outline" color="blue.9" onClick={() => setCenter(focus)}>
          Show failure
        </Button>
        <Text size="sm">
          packets {window.start + 1}–{window.end} of {packets.length}
        </Text>
      </Group>
      {packets.length > rows && (
        <>
          <OverviewStrip packets={packets} window={window} onPick={setCenter} />
          <Slider
            thumbLabel="Window position"
            min={0}
            max={packets.length - 1}
            value={center}
            onChange={setCenter}
            label={(at) => `packet ${at + 1}`}
            mb="sm"
          />
        </>
      )}
      <div
        ref={scroller}
        style={{ maxHeight: 640, overflowY: 'auto' }}
        tabIndex={0}
        role="region"
        aria-label="Ladder diagram rows"
      >
        <svg
          role="img"
          aria-label="Ladder diagram"
          viewBox={`0 0 ${WIDTH} ${height + HEADER}`}
          width="100%"
          style={{ minWidth: 640, display: 'block' }}
        >
          <LaneHeaders client={client} server={backend ?? server} dialled={server} />
          <g transform={`translate(0 ${HEADER})`}>
            {([0, 1, 2] as const).map((lane) => (
              <line
                key={lane}
                x1={LANE_X[lane]}
                x2={LANE_X[lane]}
                y1={0}
                y2={height}
                stroke={COLOURS.lane}
                strokeWidth={2}
              />
            ))}
            {arrows.map((arrow) => (
              <LadderRow
                key={arrow.position}
                arrow={arrow}
                focused={arrow.position === focus}
                time={relativeSeconds(arrow.packet.timeUs, origin)}
              />
            ))}
          </g>
          <defs>
            {Object.entries(COLOURS).map(([name, colour]) => (
              <marker
                key={name}
                id={`ladder-head-${name}`}
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" fill={colour} />
              </marker>
            ))}
          </defs>
        </svg>
      </div>
    </div>
  );
}

function LaneHeaders({
  client,
  server,
  dialled,
}: {
  client: string;
  server: string;
  dialled: string;
}) {
  const names: [Lane, string, string][] = [
    [0, 'Client', client],
    [1, 'NAT / proxy host', dialled === server ? '' : `dialled ${dialled}`],
    [2, 'Server', server],
  ];
  return (
    <g>
      {names.map(([lane, name, address]) => (
        <g key={lane}>
          <text
            x={LANE_X[lane]}
            y={16}
            textAnchor="middle"
            fontSize={13}
            fontWeight={700}
            fill="#212529"
          >
            {name}
          </text>
          <text x={LANE_X[lane]} y={32} textAnchor="middle" fontSize={11} fill="#495057">
            {address}
          </text>
        </g>
      ))}
    </g>
  );
}

function colourName(arrow: LadderArrow): keyof typeof COLOURS {
  const colour = arrowColour(arrow);
  return colour === COLOURS.rst ? 'rst' : colour === COLOURS.invalid ? 'invalid' : 'normal';
}

function LadderRow({
  arrow,
  focused,
  time,
}: {
  arrow: LadderArrow;
  focused: boolean;
  time: string;
}) {
  const colour = arrowColour(arrow);
  const x1 = LANE_X[arrow.fromLane];
  const x2 = arrow.fromLane === arrow.toLane ? x1 + 40 : LANE_X[arrow.toLane];
  const y = arrow.y;
  const note = annotation(arrow);
  const towardsRight = x2 > x1;
  return (
    <g>
      <title>
        {`${arrow.packet.capture} #${arrow.packet.index} ${arrow.packet.summary}${arrow.packet.invalidReason ? ` — INVALID: ${arrow.packet.invalidReason}` : ''}${arrow.packet.natSkippedBecause ? ` — NAT skipped: ${arrow.packet.natSkippedBecause}` : ''}`}
      </title>
      {arrow.gapBefore !== null && (
        <text x={8} y={y - 14} fontSize={10} fill="#862e9c">
          … {arrow.gapBefore.toFixed(1)} s later
        </text>
      )}
      {focused && <rect x={0} y={y - 13} width={WIDTH} height={22} fill="#fff3bf" />}
      <text x={8} y={y + 4} fontSize={10} fill="#495057">
        {time}
      </text>
      <line
        x1={x1}
        x2={x2}
        y1={y - 4}
        y2={y + 4}
        stroke={colour}
        strokeWidth={focused ? 3 : 1.5}
        markerEnd={`url(#ladder-head-${colourName(arrow)})`}
      />
      <text
        x={(x1 + x2) / 2 + (towardsRight ? -40 : 40)}
        y={y - 6}
        textAnchor="middle"
        fontSize={11}
        fill={colour}
        fontWeight={arrow.markers.length > 0 ? 700 : 400}
      >
        {arrow.label}
      </text>
      {note && (
        <text
          x={LANE_X[1] + 6}
          y={y + 14}
          fontSize={10}
          fill={arrow.markers.includes('invalid') ? COLOURS.invalid : '#343a40'}
        >
          {note}
        </text>
      )}
      {arrow.response && (
        <g>
          <line
            x1={LANE_X[1]}
            x2={LANE_X[arrow.response.toLane] + (arrow.response.toLane === 1 ? 40 : 0)}
            y1={y + 6}
            y2={y + 12}
            stroke={COLOURS.response}
            strokeWidth={1.5}
            strokeDasharray="4 3"
            markerEnd="url(#ladder-head-response)"
          />
          <text
            x={(LANE_X[1] + LANE_X[arrow.response.toLane]) / 2}
            y={y + 22}
            textAnchor="middle"
            fontSize={10}
            fill={COLOURS.response}
          >
            {arrow.response.label}
          </text>
        </g>
      )}
    </g>
  );
}
