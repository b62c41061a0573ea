import type { SocketProcess, SocketSnapshot, SocketState, SocketTimer } from '@netmortem/domain';
import type { IssueCollector } from '../../text/issue-collector.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { BoundedList } from '../shared/bounded-list.js';
import { parseSocketAddress } from './socket-address.js';
import { netstatState } from './socket-states.js';
import { parseNetstatTimer } from './socket-timer.js';
import {
  HEADERLESS,
  isNetstatHeader,
  readNetstatHeader,
  type NetstatColumns,
} from './netstat-columns.js';

/**
 * `netstat -tan`, `-tanp`, `-tanpo`, `-tane`, `-an` (net-tools). Unix, Bluetooth and other
 * non-IP sections are passed over; states are given their ss spellings.
 */
export const netstatParser: TextArtifactParser<SocketSnapshot[]> = {
  kinds: ['netstat'],
  isEmpty: (sockets) => sockets.length === 0,
  start({ artifact, issues, limits }) {
    const sockets = new BoundedList<SocketSnapshot>(limits.maxItems, 'sockets');
    let columns = HEADERLESS;
    let inInternetSection = true;
    return {
      line(text, lineNumber) {
        if (text.trim() === '') return;
        if (text.startsWith('Active ')) {
          inInternetSection = !OTHER_SECTIONS.test(text);
          return;
        }
        if (isNetstatHeader(text)) {
          columns = readNetstatHeader(text);
          return;
        }
        if (!inInternetSection || isNotice(text)) return;
        const socket = readRow(text, columns, artifact, lineNumber, issues);
        if (socket === undefined) return;
        sockets.add(socket, lineNumber);
      },
      finish() {
        sockets.report(issues);
        return sockets.items;
      },
    };
  },
};

// Section titles of the families without IP sockets (`netstat -a` lists them after TCP/UDP).
const OTHER_SECTIONS = /^Active (?:UNIX|Bluetooth|IPX|AX\.25|NET\/ROM|X\.25|Rose)\b/;

// `netstat -p` as a non-root user explains itself on stderr, often captured with 2>&1.
function isNotice(text: string): boolean {
  return (
    text.startsWith('(Not all processes') ||
    text.startsWith(' will not be shown') ||
    text.startsWith('(No info could be read')
  );
}

const IP_PROTOCOLS = /^(tcp|udp|udpl|raw|sctp)6?$/;

function readRow(
  text: string,
  columns: NetstatColumns,
  artifact: string,
  lineNumber: number,
  issues: IssueCollector,
): SocketSnapshot | undefined {
  const words = text.trim().split(/\s+/);
  const [proto, recvText, sendText, localText, peerText] = words;
  if (proto === undefined || !IP_PROTOCOLS.test(proto)) {
    // unix/ax25/… rows can appear without their section title in an excerpt.
    if (proto !== undefined && /^(unix|ax25|ipx|netrom|x25|bluetooth|l2cap|rfcomm)$/.test(proto))
      return undefined;
    issues.atLine(lineNumber, 'UNPARSEABLE_LINE', `not a netstat socket row: "${clip(text)}"`);
    return undefined;
  }
  if (peerText === undefined || !/^\d+$/.test(recvText!) || !/^\d+$/.test(sendText!)) {
    issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'too few columns or non-numeric queues');
    return undefined;
  }
  const local = parseSocketAddress(localText!);
  const peer = parseSocketAddress(peerText);
  if (typeof local === 'string' || typeof peer === 'string') {
    const problem =
      typeof local === 'string' ? `local address: ${local}` : `peer address: ${peer as string}`;
    issues.atLine(lineNumber, 'UNPARSEABLE_LINE', problem);
    return undefined;
  }
  const protocol = proto.startsWith('tcp') ? 'tcp' : proto.startsWith('udp') ? 'udp' : 'other';
  let rest = words.slice(5);
  const state = readState(protocol, rest[0]);
  if (state.consumed) rest = rest.slice(1);
  if (state.value === undefined) {
    issues.atLine(lineNumber, 'UNPARSEABLE_LINE', `unknown TCP state "${rest[0] ?? ''}"`);
    return undefined;
  }
  const extras = readExtras(rest, columns);
  if (extras.problem) issues.atLine(lineNumber, 'UNPARSEABLE_FIELD', extras.problem);
  return {
    locator: { artifact, line: lineNumber },
    protocol,
    state: state.value,
    recvQ: Number(recvText),
    sendQ: Number(sendText),
    local: { ip: local.ip, port: local.port ?? 0 },
    peer: peer.port === undefined || peer.anyHost ? null : { ip: peer.ip, port: peer.port },
    ...(extras.timer ? { timer: extras.timer } : {}),
    ...(extras.processes ? { processes: extras.processes } : {}),
    ...(extras.inode === undefined ? {} : { inode: extras.inode }),
    ...(extras.uid === undefined ? {} : { uid: extras.uid }),
  };
}

/**
 * TCP rows always have a state. UDP rows have none when unconnected and `ESTABLISHED` when
 * connected; raw sockets print the kernel's state number (7 is TCP_CLOSE, ss's UNCONN).
 */
function readState(
  protocol: 'tcp' | 'udp' | 'other',
  word: string | undefined,
): { value: SocketState | undefined; consumed: boolean } {
  const named = word === undefined ? undefined : netstatState(word);
  if (protocol === 'tcp') return { value: named, consumed: true };
  if (named) return { value: named === 'CLOSE' ? 'UNCONN' : named, consumed: true };
  if (protocol === 'other' && word !== undefined && /^\d+$/.test(word)) {
    return { value: word === '7' ? 'UNCONN' : word === '1' ? 'ESTAB' : 'UNKNOWN', consumed: true };
  }
  return { value: 'UNCONN', consumed: false };
}

interface Extras {
  timer?: SocketTimer;
  processes?: SocketProcess[];
  inode?: number;
  uid?: number;
  problem?: string;
}

function readExtras(rest: readonly string[], columns: NetstatColumns): Extras {
  const extras: Extras = {};
  let words = [...rest];
  // The timer is last and has a fixed shape; taking it first leaves the program name, which
  // may hold spaces ("1234/nginx: master"), as everything in between.
  const timerShape = words.length >= 2 && /^\(.*\/\d+\/\d+\)$/.test(words[words.length - 1]!);
  if (columns.timer || timerShape) {
    if (timerShape) {
      const text = words.slice(-2).join(' ');
      const timer = parseNetstatTimer(text);
      if (timer) extras.timer = timer;
      else extras.problem = `unreadable timer "${text}"`;
      words = words.slice(0, -2);
    }
  }
  if (columns.user) {
    const user = words.shift();
    if (user !== undefined && /^\d+$/.test(user)) extras.uid = Number(user);
  }
  if (columns.inode) {
    const inode = words.shift();
    if (inode !== undefined && /^\d+$/.test(inode)) extras.inode = Number(inode);
  }
  const program = words.join(' ');
  const match = /^(\d+)\/(.*)$/.exec(program);
  if (match) extras.processes = [{ pid: Number(match[1]), name: match[2]!.trim() }];
  else if (program !== '' && program !== '-' && columns.program) {
    extras.problem ??= `unreadable PID/Program name "${clip(program)}"`;
  }
  return extras;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
