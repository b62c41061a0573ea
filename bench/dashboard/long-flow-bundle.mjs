// The incident-page target needs a finding over a 10,000-packet flow. The recorded lab bundle of
// ct-invalid-not-natted-rst has the failure in an 11-packet capture; this repeats the client's
// last in-window ACK (a legal duplicate ACK that conntrack tracks without changing state) until
// the failing flow has the packets asked for, spread evenly before the stray segment, so the
// failure and its finding stay exactly as recorded.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const LONG_FLOW_LAB = `${root}test/fixtures/lab-bundles/ct-invalid-not-natted-rst/sidecar-redirect-full-artifacts`;

function readPcap(bytes) {
  if (bytes.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('expected a little-endian µs pcap');
  const records = [];
  for (let offset = 24; offset < bytes.length;) {
    const included = bytes.readUInt32LE(offset + 8);
    records.push(bytes.subarray(offset, offset + 16 + included));
    offset += 16 + included;
  }
  return { header: bytes.subarray(0, 24), records };
}

function micros(record) {
  return record.readUInt32LE(0) * 1e6 + record.readUInt32LE(4);
}

function tcpFlags(record) {
  const frame = record.subarray(16);
  if (frame.readUInt16BE(12) !== 0x0800) return null;
  const ipHeader = (frame[14] & 0x0f) * 4;
  return frame[14 + ipHeader + 13];
}

/** The capture with the flow grown to `packets` by duplicate ACKs before the stray segment. */
export function lengthenFailingFlow(pcap, packets) {
  const { header, records } = readPcap(pcap);
  const tcp = records.map((record, index) => ({ record, index, flags: tcpFlags(record) }));
  const stray = tcp.filter((r) => r.flags === 0x18).at(-1); // the out-of-window PSH|ACK
  const lastAck = tcp.filter((r) => r.flags === 0x10 && r.index < stray.index).at(-1);
  const extra = Math.max(0, packets - tcp.filter((r) => r.flags !== null).length);
  const from = micros(lastAck.record);
  const step = (micros(stray.record) - from) / (extra + 1);
  const copies = [];
  for (let i = 1; i <= extra; i += 1) {
    const copy = Buffer.from(lastAck.record);
    const at = Math.round(from + step * i);
    copy.writeUInt32LE(Math.floor(at / 1e6), 0);
    copy.writeUInt32LE(at % 1e6, 4);
    copies.push(copy);
  }
  return Buffer.concat([
    header,
    ...records.slice(0, lastAck.index + 1),
    ...copies,
    ...records.slice(lastAck.index + 1),
  ]);
}

export async function longFlowBundle(packets) {
  const pack = tarStream.pack();
  for (const name of readdirSync(LONG_FLOW_LAB)) {
    let content = readFileSync(path.join(LONG_FLOW_LAB, name));
    if (name === 'capture.pcap') content = lengthenFailingFlow(content, packets);
    pack.entry({ name }, content);
  }
  pack.finalize();
  const chunks = [];
  for await (const chunk of pack) chunks.push(chunk);
  return gzipSync(Buffer.concat(chunks));
}
