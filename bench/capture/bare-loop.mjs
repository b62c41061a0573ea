// The ceiling: the least a Node program must do to read a capture and keep a TCP flow
// table, written as tightly as plain JS allows. One reused 4 MiB buffer filled with
// readSync, classic pcap framing, Ethernet/VLAN -> IPv4/IPv6 -> TCP header reads, and a
// flow table in typed arrays with per-direction sequence tracking (retransmission or
// out-of-order, holes, zero windows, SYN/FIN/RST, a new flow when a SYN brings a new ISN).
// No objects per packet, no anomaly lists, no notes: what the real analysis is compared to.
//   node bare-loop.mjs <capture.pcap>   -> JSON counts on stdout, then peak RSS (VmHWM)
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export function bareLoop(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  let have = readSync(fd, buf, 0, buf.length, null);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error('not a classic pcap');
  const linkType = le ? buf.readUInt32LE(20) : buf.readUInt32BE(20);
  if (linkType !== 1) throw new Error('the ceiling reads Ethernet captures only');
  let pos = 24;

  const CAP = 1 << 20;
  const MASK = CAP - 1;
  const slotFlow = new Int32Array(CAP).fill(-1);
  const keyA = new Uint32Array(CAP);
  const keyB = new Uint32Array(CAP);
  const keyPorts = new Uint32Array(CAP);
  const MAX_FLOWS = 1 << 20;
  const nextSeq = new Uint32Array(MAX_FLOWS * 2);
  const isn = new Uint32Array(MAX_FLOWS * 2);
  const state = new Uint8Array(MAX_FLOWS * 2); // bit 1 seq known, bit 2 SYN seen
  const lastAdvance = new Float64Array(MAX_FLOWS * 2);
  const flowA = new Uint32Array(MAX_FLOWS);
  const flowAPort = new Uint16Array(MAX_FLOWS);
  let flows = 0;
  let packets = 0;
  let syn = 0;
  let fin = 0;
  let rst = 0;
  let zeroWindow = 0;
  let retransOrOoo = 0;
  let gaps = 0;
  let portReuse = 0;

  for (;;) {
    if (have - pos < 16) {
      buf.copy(buf, 0, pos, have);
      have -= pos;
      pos = 0;
      const n = readSync(fd, buf, have, buf.length - have, null);
      have += n;
      if (have < 16) break;
    }
    const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    if (incl > 262144) throw new Error('corrupt record');
    if (have - pos < 16 + incl) {
      buf.copy(buf, 0, pos, have);
      have -= pos;
      pos = 0;
      have += readSync(fd, buf, have, buf.length - have, null);
      if (have < 16 + incl) break;
    }
    const t =
      (le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos)) * 1e6 +
      (le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4));
    let p = pos + 16;
    const end = p + incl;
    pos = end;
    packets++;
    if (end - p < 14) continue;
    let type = (buf[p + 12] << 8) | buf[p + 13];
    p += 14;
    while ((type === 0x8100 || type === 0x88a8) && end - p >= 4) {
      type = (buf[p + 2] << 8) | buf[p + 3];
      p += 4;
    }
    let a;
    let b;
    let payload;
    if (type === 0x0800) {
      if (end - p < 20 || buf[p + 9] !== 6) continue;
      const ihl = (buf[p] & 15) * 4;
      if ((((buf[p + 6] << 8) | buf[p + 7]) & 0x1fff) !== 0) continue;
      a = buf.readUInt32BE(p + 12);
      b = buf.readUInt32BE(p + 16);
      payload = ((buf[p + 2] << 8) | buf[p + 3]) - ihl;
      p += ihl;
    } else if (type === 0x86dd) {
      if (end - p < 40 || buf[p + 6] !== 6) continue;
      a =
        (buf.readUInt32BE(p + 8) ^
          buf.readUInt32BE(p + 12) ^
          buf.readUInt32BE(p + 16) ^
          buf.readUInt32BE(p + 20)) >>>
        0;
      b =
        (buf.readUInt32BE(p + 24) ^
          buf.readUInt32BE(p + 28) ^
          buf.readUInt32BE(p + 32) ^
          buf.readUInt32BE(p + 36)) >>>
        0;
      payload = (buf[p + 4] << 8) | buf[p + 5];
      p += 40;
    } else continue;
    if (end - p < 20) continue;
    const sport = (buf[p] << 8) | buf[p + 1];
    const dport = (buf[p + 2] << 8) | buf[p + 3];
    const seq = buf.readUInt32BE(p + 4);
    const doff = (buf[p + 12] >> 4) * 4;
    const flags = buf[p + 13];
    const win = (buf[p + 14] << 8) | buf[p + 15];
    const len = payload - doff;

    // Canonical key: the smaller endpoint first.
    const swap = a > b || (a === b && sport > dport);
    const ka = swap ? b : a;
    const kb = swap ? a : b;
    const kp = swap ? ((dport << 16) | sport) >>> 0 : ((sport << 16) | dport) >>> 0;
    let h = Math.imul(ka ^ Math.imul(kb, 0x9e3779b1) ^ kp, 0x85ebca6b);
    h ^= h >>> 13;
    let slot = h & MASK;
    let f = -1;
    for (;;) {
      const s = slotFlow[slot];
      if (s < 0) break;
      if (keyA[slot] === ka && keyB[slot] === kb && keyPorts[slot] === kp) {
        f = s;
        break;
      }
      slot = (slot + 1) & MASK;
    }
    const isSyn = (flags & 0x12) === 0x02;
    if (f >= 0 && isSyn) {
      const d = flowA[f] === a && flowAPort[f] === sport ? 0 : 1;
      if ((state[2 * f + d] & 2) !== 0 && isn[2 * f + d] !== seq) {
        portReuse++;
        f = -1; // a new connection takes the slot
      }
    }
    if (f < 0) {
      if (flows >= MAX_FLOWS) continue;
      f = flows++;
      slotFlow[slot] = f;
      keyA[slot] = ka;
      keyB[slot] = kb;
      keyPorts[slot] = kp;
      flowA[f] = a;
      flowAPort[f] = sport;
    }
    const d = flowA[f] === a && flowAPort[f] === sport ? 0 : 1;
    const i = 2 * f + d;
    if (flags & 0x02) syn++;
    if (flags & 0x01) fin++;
    if (flags & 0x04) {
      rst++;
      continue;
    }
    if (win === 0 && (flags & 0x07) === 0) zeroWindow++;
    const segLen = len + (flags & 0x03 ? 1 : 0);
    const segEnd = (seq + segLen) >>> 0;
    if ((state[i] & 1) === 0) {
      state[i] |= 1;
      nextSeq[i] = segEnd;
      lastAdvance[i] = t;
      if (flags & 0x02) {
        state[i] |= 2;
        isn[i] = seq;
      }
      continue;
    }
    const next = nextSeq[i];
    const diff = (seq - next) | 0;
    if (diff > 0) gaps++;
    else if (segLen > 0 && diff < 0 && !(segLen === 1 && diff === -1)) retransOrOoo++;
    if (((segEnd - next) | 0) > 0) {
      nextSeq[i] = segEnd;
      lastAdvance[i] = t;
    }
  }
  closeSync(fd);
  return { packets, flows, syn, fin, rst, zeroWindow, retransOrOoo, gaps, portReuse };
}

function peakRssMiB() {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const counts = bareLoop(process.argv[2]);
  process.stdout.write(
    `${JSON.stringify({ ...counts, seconds: (performance.now() - started) / 1000, peakRssMiB: peakRssMiB() })}\n`,
  );
}
