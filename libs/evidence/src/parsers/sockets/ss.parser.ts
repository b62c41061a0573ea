import type { SocketSnapshot } from '@netmortem/domain';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { BoundedList } from '../shared/bounded-list.js';
import { isTcpOnlyState } from './socket-states.js';
import { readSsExtras, type SsExtras } from './ss-extras.js';
import { readSsRow, type SsRow } from './ss-row.js';

interface SocketDraft {
  readonly base: SocketSnapshot;
  readonly extras: SsExtras;
  /** False when the listing had no Netid column and the protocol is settled at the end. */
  readonly fromNetid: boolean;
}

/**
 * `ss` in every layout iproute2 4.x-6.x prints: -tan, -tanoie, -tapionume, -H, state filters,
 * Netid listings mixing TCP and UDP, with the -i/-m/-e details on an indented second line.
 */
export const ssParser: TextArtifactParser<SocketSnapshot[]> = {
  kinds: ['ss'],
  isEmpty: (sockets) => sockets.length === 0,
  start({ artifact, issues, limits }) {
    const sockets = new BoundedList<SocketDraft>(limits.maxItems, 'sockets');
    // The socket the next indented detail line belongs to; null after one that was not kept.
    let current: SocketDraft | null | undefined;
    // Without a Netid column the protocol is whatever the listing asked for (-t or -u), which
    // only the states of all its rows can tell.
    let sawTcpOnlyState = false;
    let sawUnconnected = false;

    return {
      line(text, lineNumber) {
        const first = text.charCodeAt(0);
        if (first === 0x09 || first === 0x20) {
          if (current === null || text.trim() === '') return;
          if (current === undefined) {
            issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'indented detail line before any socket');
            return;
          }
          const problem = readSsExtras(text, 0, current.extras);
          if (problem) issues.atLine(lineNumber, 'UNPARSEABLE_FIELD', problem);
          return;
        }
        const result = readSsRow(text);
        if (result.kind === 'skip') {
          current = null;
          return;
        }
        if (result.kind === 'error') {
          current = null;
          issues.atLine(lineNumber, 'UNPARSEABLE_LINE', result.message);
          return;
        }
        const { row } = result;
        if (row.netid === undefined && row.state) {
          if (isTcpOnlyState(row.state)) sawTcpOnlyState = true;
          else if (row.state === 'UNCONN') sawUnconnected = true;
        }
        if (sockets.full) {
          sockets.countDropped(lineNumber);
          current = null;
          return;
        }
        const socket = draft(row, artifact, lineNumber);
        const problem = readSsExtras(text, row.restStart, socket.extras);
        if (problem) issues.atLine(lineNumber, 'UNPARSEABLE_FIELD', problem);
        sockets.push(socket);
        current = socket;
      },
      finish() {
        sockets.report(issues);
        const implied = sawTcpOnlyState || !sawUnconnected ? 'tcp' : 'udp';
        return sockets.items.map(({ base, extras, fromNetid }) => ({
          ...base,
          ...(fromNetid ? {} : { protocol: implied }),
          ...extras,
        }));
      },
    };
  },
};

function draft(row: SsRow, artifact: string, line: number): SocketDraft {
  const extras: SsExtras = {};
  if (row.local.device !== undefined) {
    extras.details = Object.create(null) as Record<string, string>;
    extras.details.device = row.local.device;
  }
  return {
    base: {
      locator: { artifact, line },
      protocol: row.netid === 'tcp' ? 'tcp' : row.netid === 'udp' ? 'udp' : 'other',
      // A state filter (`ss -t state established`) drops the column: the state is not printed.
      state: row.state ?? 'UNKNOWN',
      recvQ: row.recvQ,
      sendQ: row.sendQ,
      local: { ip: row.local.ip, port: row.local.port ?? 0 },
      peer:
        row.peer.port === undefined || row.peer.anyHost
          ? null
          : { ip: row.peer.ip, port: row.peer.port },
    },
    extras,
    fromNetid: row.netid !== undefined,
  };
}
