import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource, readCapture } from '../capture/capture.reader.js';
import type { PacketView } from '../capture/packet-view.js';
import { readTcpOptions } from '../capture/tcp.decoder.js';
import { collectFlows } from '../flows/analyze-capture.js';
import { IssueCollector } from '../text/issue-collector.js';
import { CaptureRedactor } from './capture-redactor.js';
import { internetChecksum } from './checksum.js';
import { Pseudonymiser } from './pseudonymiser.js';

// Real captures of every link type and format the reader supports, redacted and read back:
// every packet is still there and decodes to the same fields but for addresses and ports,
// which map as the pseudonymiser says; payloads are gone; checksums hold; the flow
// analysis is the same modulo the mapping.

const SRC = fileURLToPath(new URL('..', import.meta.url));
const CAPTURES = [
  'flows/__fixtures__',
  'capture/__fixtures__',
  'detection/__fixtures__/pcap',
  'detection/__fixtures__/pcapng',
  'layouts/__fixtures__/retina-capture-aks-nodepool1-12345678-vmss000000-20250101120000UTC',
].flatMap((folder) =>
  readdirSync(path.join(SRC, folder))
    .filter((name) => /\.pcap(ng)?$/.test(name))
    .map((name) => path.join(folder, name)),
);
const KEY = new Uint8Array(32).fill(21);

function redact(bytes: Uint8Array, chunk = 1000, key = KEY) {
  const redactor = new CaptureRedactor(new Pseudonymiser(key));
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunk)
    parts.push(redactor.push(bytes.subarray(at, at + chunk)));
  const summary = redactor.finish();
  return { bytes: Buffer.concat(parts), summary };
}

interface Seen {
  fields: unknown[];
  version: number;
  src: number[];
  dst: number[];
  ports: number[];
  quotedVersion: number;
  quoted: number[];
  quotedPorts: number[];
  captured: number;
  headerEnd: number;
  l4: Uint8Array;
  ipv4HeaderSum: number;
  protocol: number;
  complete: boolean;
}

/** What the reader makes of each packet. */
async function packetsOf(bytes: Uint8Array) {
  const packets: Seen[] = [];
  const issues = new IssueCollector('x');
  const summary = await readCapture(
    bytesSource(bytes, 4096),
    'x',
    (view) => {
      readTcpOptions(view);
      packets.push(seen(view));
    },
    issues,
  );
  return { packets, summary, issues: issues.list() };
}

function seen(v: PacketView): Seen {
  const ihl = v.ipVersion === 4 ? (v.bytes[v.ipOffset]! & 15) * 4 : 0;
  const headerEnd =
    v.l4Offset < 0
      ? -1
      : v.tcpFlags >= 0
        ? v.l4Offset + v.tcpHeaderLength
        : v.protocol === 17
          ? v.l4Offset + 8
          : -1;
  return {
    fields: [
      v.number, v.timeUs, v.timeSubUsNs, v.interfaceId, v.linkType, v.direction, v.originalLength,
      v.vlanCount, v.ipVersion, v.ttl, v.ipId, v.protocol, v.fragmentOffset, v.moreFragments,
      v.ipPayloadLength, v.payloadLength, v.tcpFlags, v.seq, v.ack, v.window, v.tcpHeaderLength,
      v.mss, v.windowScale, v.sackPermitted, v.sackCount, v.hasTimestamp, v.tsValue, v.tsEcho,
      v.icmpType, v.icmpCode, v.icmpMtu, v.quotedVersion, v.quotedProtocol, v.quotedSeq,
    ], // prettier-ignore
    version: v.ipVersion,
    src: [v.src0, v.src1, v.src2, v.src3],
    dst: [v.dst0, v.dst1, v.dst2, v.dst3],
    ports: [v.srcPort, v.dstPort],
    quotedVersion: v.quotedVersion,
    quoted:
      v.quotedVersion === 0
        ? []
        : [
            v.quotedSrc0,
            v.quotedSrc1,
            v.quotedSrc2,
            v.quotedSrc3,
            v.quotedDst0,
            v.quotedDst1,
            v.quotedDst2,
            v.quotedDst3,
          ],
    quotedPorts: v.quotedVersion === 0 ? [] : [v.quotedSrcPort, v.quotedDstPort],
    captured: v.frameEnd - v.frameOffset,
    headerEnd: headerEnd < 0 ? -1 : headerEnd - v.frameOffset,
    l4: v.l4Offset < 0 ? new Uint8Array(0) : v.bytes.slice(v.l4Offset, v.frameEnd),
    ipv4HeaderSum:
      v.ipVersion === 4 && v.ipOffset + ihl <= v.frameEnd
        ? internetChecksum(v.bytes, v.ipOffset, v.ipOffset + ihl)
        : 0,
    protocol: v.protocol,
    complete: v.capturedLength === v.originalLength,
  };
}

function mapWords(p: Pseudonymiser, version: number, words: number[]): number[] {
  if (version === 4) return [p.addresses.mapV4(words[0]!), 0, 0, 0];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[4 * i] = w >>> 24;
    bytes[4 * i + 1] = (w >>> 16) & 255;
    bytes[4 * i + 2] = (w >>> 8) & 255;
    bytes[4 * i + 3] = w & 255;
  });
  const out = p.addresses.mapV6(bytes);
  return [0, 4, 8, 12].map(
    (i) => ((out[i]! << 24) | (out[i + 1]! << 16) | (out[i + 2]! << 8) | out[i + 3]!) >>> 0,
  );
}

/** The TCP/UDP checksum over a pseudo-header and a whole segment: 0 when valid. */
function transportSum(
  version: number,
  src: number[],
  dst: number[],
  protocol: number,
  segment: Uint8Array,
): number {
  const head: number[] = [];
  const push32 = (w: number) => head.push(w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255);
  for (const w of version === 4 ? src.slice(0, 1) : src) push32(w);
  for (const w of version === 4 ? dst.slice(0, 1) : dst) push32(w);
  if (version === 4) head.push(0, protocol, segment.length >> 8, segment.length & 255);
  else {
    push32(segment.length);
    head.push(0, 0, 0, protocol);
  }
  const all = new Uint8Array(head.length + segment.length);
  all.set(head);
  all.set(segment, head.length);
  return internetChecksum(all, 0, all.length);
}

describe('capture redaction of real captures', () => {
  it.each(CAPTURES)('%s', async (file) => {
    const original = new Uint8Array(readFileSync(path.join(SRC, file)));
    const { bytes, summary } = redact(original);
    expect(summary.complete).toBe(true);
    const before = await packetsOf(original);
    const after = await packetsOf(bytes);
    expect(after.issues).toEqual(before.issues);
    expect(after.packets.length).toBe(before.packets.length);
    expect(summary.packets).toBe(before.packets.length);
    expect(after.summary.names).toEqual([]);

    const check = new Pseudonymiser(KEY);
    let verified = 0;
    before.packets.forEach((was, i) => {
      const now = after.packets[i]!;
      expect(now.fields).toEqual(was.fields);
      if (was.version === 0) return;
      expect(now.src).toEqual(mapWords(check, was.version, was.src));
      expect(now.dst).toEqual(mapWords(check, was.version, was.dst));
      expect(now.ports).toEqual(was.ports.map((port) => (port < 0 ? port : check.ports.map(port))));
      if (was.quoted.length > 0) {
        const version = was.quotedVersion;
        expect(now.quoted).toEqual([
          ...mapWords(check, version, was.quoted.slice(0, 4)),
          ...mapWords(check, version, was.quoted.slice(4)),
        ]);
        expect(now.quotedPorts).toEqual(
          was.quotedPorts.map((port) => (port < 0 ? port : check.ports.map(port))),
        );
      }
      // Payload gone: nothing captured past the transport header.
      if (was.headerEnd >= 0 && was.captured >= was.headerEnd)
        expect(now.captured).toBe(was.headerEnd);
      expect(now.captured).toBeLessThanOrEqual(was.captured);
      if (was.version === 4) expect(now.ipv4HeaderSum).toBe(0);
      // The rewritten header plus the original payload checksums exactly as the original did.
      if (
        (was.protocol === 6 || was.protocol === 17) &&
        was.complete &&
        was.headerEnd > 0 &&
        was.l4.length > 0
      ) {
        const segment = new Uint8Array(was.l4.length);
        segment.set(was.l4);
        segment.set(now.l4.subarray(0, Math.min(now.l4.length, segment.length)));
        const udpNone =
          was.protocol === 17 && was.version === 4 && was.l4[6] === 0 && was.l4[7] === 0;
        if (!udpNone) {
          expect(transportSum(now.version, now.src, now.dst, was.protocol, segment) === 0).toBe(
            transportSum(was.version, was.src, was.dst, was.protocol, was.l4) === 0,
          );
          verified += 1;
        }
      }
    });
    if (before.packets.some((p) => p.protocol === 6 && p.complete))
      expect(verified).toBeGreaterThan(0);

    const flowsOf = async (b: Uint8Array) =>
      (await collectFlows(bytesSource(b), file, new IssueCollector(file))).flows.map(
        ({ flow }) => flow,
      );
    const flowsBefore = await flowsOf(original);
    const flowsAfter = await flowsOf(bytes);
    expect(flowsAfter.length).toBe(flowsBefore.length);
    const map4or6 = (ip: string) => {
      const out = new Pseudonymiser(KEY);
      if (!ip.includes(':')) {
        const value = ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
        const v = out.addresses.mapV4(value);
        return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
      }
      return undefined;
    };
    flowsBefore.forEach((flow, i) => {
      const other = flowsAfter[i]!;
      expect(other.close.kind).toBe(flow.close.kind);
      expect(other.anomalyCounts).toEqual(flow.anomalyCounts);
      expect(other.packets).toBe(flow.packets);
      expect(other.client.port).toBe(check.ports.map(flow.client.port));
      expect(other.server.port).toBe(check.ports.map(flow.server.port));
      const client = map4or6(flow.client.ip);
      if (client !== undefined) expect(other.client.ip).toBe(client);
    });
  });

  it('gives the same bytes whatever the chunking', () => {
    for (const file of CAPTURES.slice(0, 6)) {
      const original = new Uint8Array(readFileSync(path.join(SRC, file)));
      const whole = redact(original, original.length).bytes;
      for (const chunk of [1, 7, 4096])
        expect(Buffer.compare(redact(original, chunk).bytes, whole)).toBe(0);
    }
  });

  it('stops a damaged capture where the reader stops reading the original', async () => {
    for (const file of CAPTURES) {
      const original = new Uint8Array(readFileSync(path.join(SRC, file)));
      const cut = original.subarray(0, Math.floor(original.length * 0.7));
      const { bytes, summary } = redact(cut);
      const before = await packetsOf(cut);
      const after = await packetsOf(bytes);
      expect(summary.complete).toBe(before.summary.complete);
      expect(after.packets.length).toBe(before.packets.length);
    }
  });

  it('never throws, whatever the bytes', () => {
    const corpus = CAPTURES.map((file) => new Uint8Array(readFileSync(path.join(SRC, file))));
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 40 }),
        fc.integer({ min: 1, max: 3000 }),
        (capture, flips, chunk) => {
          const mutated = Uint8Array.from(capture);
          for (const [at, value] of flips) mutated[at % mutated.length] = value;
          const { summary } = redact(mutated, chunk);
          expect(summary.bytesOut).toBeLessThanOrEqual(summary.bytesIn);
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => void redact(bytes, 64)));
    // 200 mutated real captures: seconds of work, more on a busy machine.
  }, 60_000);
});
