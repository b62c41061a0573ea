// Minimal DNS wire format for the lab resolver and responder: one question, one answer,
// so captures hold real DNS that any decoder reads.
const TYPES = { A: 1, AAAA: 28 };

function encodeName(name) {
  const parts = name.split('.').filter((p) => p !== '');
  const bytes = [];
  for (const part of parts) bytes.push(part.length, ...Buffer.from(part, 'ascii'));
  bytes.push(0);
  return Buffer.from(bytes);
}

/** A recursive query for one name and type ("A" or "AAAA"). */
export function encodeQuery(id, name, type) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(TYPES[type], 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([header, encodeName(name), tail]);
}

/** The question of a query: id, name, type name, and where the question ends. */
export function decodeQuery(packet) {
  const id = packet.readUInt16BE(0);
  let at = 12;
  const labels = [];
  while (packet[at] !== 0) {
    const length = packet[at];
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += length + 1;
  }
  at += 1;
  const qtype = packet.readUInt16BE(at);
  const type = Object.keys(TYPES).find((key) => TYPES[key] === qtype) ?? String(qtype);
  return { id, name: labels.join('.'), type, questionEnd: at + 4 };
}

/** An answer with one record (an address made up from the name for A/AAAA). */
export function encodeAnswer(query, packet) {
  const { id, type, questionEnd } = query;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8180, 2); // QR RD RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  const question = packet.subarray(12, questionEnd);
  const rdata =
    type === 'AAAA'
      ? Buffer.from([0xfd, 0x78, ...Array(13).fill(0), 0x2a])
      : Buffer.from([10, 78, 250, 42]);
  const record = Buffer.alloc(12);
  record.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  record.writeUInt16BE(TYPES[type] ?? 1, 2);
  record.writeUInt16BE(1, 4);
  record.writeUInt32BE(30, 6);
  record.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, record, rdata]);
}
