import { useQuery } from '@apollo/client/react';
import { Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { QueryState } from '../common';
import { isAlarmingResponse } from '../ladder/flow-packet';
import { CAPTURE_PACKETS } from './artifact-viewer.documents';

interface PacketTableProps {
  readonly analysisId: string;
  readonly capture: string;
  readonly packet: number;
}

const ROW_HEIGHT = 30;
const COLUMNS = '7ch 17ch minmax(24ch, 1fr) 13ch 12ch 15ch';
const HEADERS = ['No.', 'Time', 'Packet', 'Conntrack', 'NAT', 'Filter'];

/**
 * The capture's packets around the cited one, with the simulator's verdicts; only the rows
 * on screen exist in the page, so two thousand rows cost as much as twenty.
 */
export function PacketTable({ analysisId, capture, packet }: PacketTableProps) {
  const { data, loading, error } = useQuery(CAPTURE_PACKETS, {
    variables: { analysisId, capture, packet },
    fetchPolicy: 'no-cache',
  });
  const window = data?.analysis?.capturePackets;
  const packets = window?.packets ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: packets.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const target = packets.findIndex((row) => row.index === packet);
  useEffect(() => {
    if (target >= 0) rows.scrollToIndex(target, { align: 'center' });
  }, [target, rows]);
  return (
    <QueryState loading={loading} error={error}>
      {window && !window.available && (
        <Text c="dark.3">
          This analysis has no stored simulation, so its packets cannot be listed.
        </Text>
      )}
      {window?.available && packets.length === 0 && (
        <Text c="dark.3">
          No packet numbered near {packet} in {capture}.
        </Text>
      )}
      {packets.length > 0 && (
        <div role="table" aria-label={`Packets of ${capture}`} aria-rowcount={packets.length + 1}>
          <div
            role="row"
            style={{
              display: 'grid',
              gridTemplateColumns: COLUMNS,
              fontFamily: 'var(--mantine-font-family-monospace)',
              fontWeight: 700,
              fontSize: 13,
              borderBottom: '1px solid #adb5bd',
            }}
          >
            {HEADERS.map((header) => (
              <span role="columnheader" key={header} style={{ padding: '4px 6px' }}>
                {header}
              </span>
            ))}
          </div>
          <div
            ref={scroller}
            role="rowgroup"
            style={{ height: '55vh', overflow: 'auto' }}
            tabIndex={0}
            aria-label="Packet rows"
          >
            <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
              {rows.getVirtualItems().map((item) => {
                const row = packets[item.index]!;
                const current = row.index === packet;
                const trouble = Boolean(
                  row.invalidReason || row.natSkippedBecause || row.responseKind,
                );
                return (
                  <div
                    role="row"
                    key={item.key}
                    aria-rowindex={item.index + 2}
                    aria-current={current ? 'true' : undefined}
                    style={{
                      position: 'absolute',
                      top: item.start,
                      left: 0,
                      right: 0,
                      height: ROW_HEIGHT,
                      display: 'grid',
                      gridTemplateColumns: COLUMNS,
                      alignItems: 'center',
                      fontSize: 13,
                      fontFamily: 'var(--mantine-font-family-monospace)',
                      background: current ? '#fff3bf' : item.index % 2 ? '#f8f9fa' : undefined,
                      outline: current ? '2px solid #e67700' : undefined,
                      color: trouble ? '#a61e4d' : undefined,
                    }}
                  >
                    <span role="cell" style={{ padding: '0 6px' }}>
                      {row.index}
                    </span>
                    <span role="cell" style={{ padding: '0 6px' }}>
                      {row.time.slice(11, 26)}
                    </span>
                    <span
                      role="cell"
                      style={{
                        padding: '0 6px',
                        overflow: 'hidden',
                        textOverflow: 'ellipsis',
                        whiteSpace: 'nowrap',
                      }}
                      title={row.summary}
                    >
                      {row.path === 'duplicate' ? '(copy) ' : ''}
                      {row.summary}
                    </span>
                    <span
                      role="cell"
                      style={{ padding: '0 6px' }}
                      title={row.invalidReason ?? undefined}
                    >
                      {row.invalidReason ? 'INVALID' : (row.ctStateAfter ?? '—')}
                    </span>
                    <span
                      role="cell"
                      style={{ padding: '0 6px' }}
                      title={row.natSkippedBecause ?? undefined}
                    >
                      {row.natSkippedBecause ? 'skipped' : row.natApplied ? 'translated' : '—'}
                    </span>
                    <span role="cell" style={{ padding: '0 6px' }}>
                      {isAlarmingResponse(row.responseKind) ? row.responseKind : row.filterVerdict}
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </QueryState>
  );
}
