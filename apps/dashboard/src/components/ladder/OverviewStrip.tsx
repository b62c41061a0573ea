import { useMemo } from 'react';
import type { FlowPacket } from './flow-packet';
import { overviewBins, type PacketWindow } from './ladder-layout';

const BINS = 160;
const WIDTH = 960;
const HEIGHT = 28;

/**
 * The whole flow in one strip: packet density in grey, slices with trouble in red, the
 * window on show outlined. Clicking a slice moves the window there (the slider next to it
 * does the same from the keyboard).
 */
export function OverviewStrip({
  packets,
  window,
  onPick,
}: {
  readonly packets: readonly FlowPacket[];
  readonly window: PacketWindow;
  readonly onPick: (position: number) => void;
}) {
  const bins = useMemo(() => overviewBins(packets, BINS), [packets]);
  const widest = Math.max(1, ...bins.map((bin) => bin.packets));
  const step = WIDTH / bins.length;
  const x = (position: number) => (position / packets.length) * WIDTH;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      height={HEIGHT}
      preserveAspectRatio="none"
      aria-hidden="true"
      style={{ display: 'block', cursor: 'pointer' }}
    >
      {bins.map((bin, i) => {
        const h = Math.max(2, (bin.packets / widest) * (HEIGHT - 4));
        return (
          <rect
            key={bin.start}
            x={i * step}
            y={HEIGHT - h}
            width={Math.max(1, step - 0.5)}
            height={h}
            fill={bin.remarkable > 0 ? '#c92a2a' : '#ced4da'}
            onClick={() => onPick(Math.floor((bin.start + bin.end) / 2))}
          />
        );
      })}
      <rect
        x={x(window.start)}
        y={0.5}
        width={Math.max(2, x(window.end) - x(window.start))}
        height={HEIGHT - 1}
        fill="none"
        stroke="#1864ab"
        strokeWidth={2}
      />
    </svg>
  );
}
