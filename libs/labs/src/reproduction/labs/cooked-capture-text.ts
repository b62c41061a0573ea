import { run } from '../../shell/run-command.js';
import { parseTcpdumpText, type PrintedPacket } from './tcpdump-text.js';

/**
 * tcpdump prints packets of a `-i any` capture (Linux cooked SLL2) with the interface and
 * direction between the time and the protocol: `1795326542.921 lo In IP 10.78.1.2.4000 > ...`.
 * The shared one-line reader expects `<time> IP ...`; this drops the two extra columns.
 */
export function withoutInterfaceColumns(line: string): string {
  return line.replace(/^(\d+\.\d+) \S+\s+(?:In|Out|M|B|P)\s+(?=IP6? )/, '$1 ');
}

/** The interface a cooked-capture line names (`lo`, `eth0`), undefined for other lines. */
export function interfaceOf(line: string): string | undefined {
  return /^\d+\.\d+ (\S+)\s+(?:In|Out|M|B|P)\s+IP6? /.exec(line)?.[1];
}

/** Parses `tcpdump -nn -tt -S -r` output of any capture, cooked or not. */
export function parseAnyTcpdumpText(text: string): PrintedPacket[] {
  return parseTcpdumpText(text.split('\n').map(withoutInterfaceColumns).join('\n'));
}

/** Reads a pcap file of any link type through tcpdump. */
export function readAnyCapture(file: string): PrintedPacket[] {
  return parseAnyTcpdumpText(run(['tcpdump', '-nn', '-tt', '-S', '-r', file]));
}

/** The acknowledgment number tcpdump printed for a TCP packet. */
export function ackOf(packet: PrintedPacket): number | undefined {
  const ack = /, ack (\d+)/.exec(packet.line)?.[1];
  return ack === undefined ? undefined : Number(ack);
}
