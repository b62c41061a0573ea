/** Classic pcap (microsecond, Ethernet): what tcpreplay and tcpprep read. */
export const LINKTYPE_ETHERNET = 1;

export interface PcapRecord {
  /** Microseconds since the epoch. */
  readonly timeUs: number;
  readonly frame: Uint8Array;
}

export function writePcap(
  records: readonly PcapRecord[],
  linkType = LINKTYPE_ETHERNET,
): Uint8Array {
  const size = 24 + records.reduce((sum, r) => sum + 16 + r.frame.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262144, true);
  view.setUint32(20, linkType, true);
  let at = 24;
  for (const record of records) {
    const seconds = Math.floor(record.timeUs / 1e6);
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, record.timeUs - seconds * 1e6, true);
    view.setUint32(at + 8, record.frame.length, true);
    view.setUint32(at + 12, record.frame.length, true);
    out.set(record.frame, at + 16);
    at += 16 + record.frame.length;
  }
  return out;
}
