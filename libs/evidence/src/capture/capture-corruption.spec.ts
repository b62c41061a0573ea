import { readFileSync } from 'node:fs';
import type { ParseIssue } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../text/issue-collector.js';
import { bytesSource, readCapture } from './capture.reader.js';

const detection = new URL('../detection/__fixtures__/', import.meta.url);
const fixture = (path: string) => new Uint8Array(readFileSync(new URL(path, detection)));

async function read(bytes: Uint8Array, chunkSize = 4096) {
  const issues = new IssueCollector('bad.pcap');
  const packets: { number: number; offset: number }[] = [];
  const summary = await readCapture(
    bytesSource(bytes, chunkSize),
    'bad.pcap',
    (view) => packets.push({ number: view.number, offset: view.byteOffset }),
    issues,
  );
  return { summary, packets, issues: issues.list() };
}

/** Offsets where each record (pcap) or block (pcapng) starts, from a clean read. */
async function recordStarts(bytes: Uint8Array): Promise<number[]> {
  return (await read(bytes)).packets.map((p) => p.offset);
}

function expectOneIssue(issues: ParseIssue[], code: string, packet: number, byteOffset: number) {
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ code, locator: { artifact: 'bad.pcap', packet, byteOffset } });
}

function withU32(bytes: Uint8Array, at: number, value: number, littleEndian = true): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(at, value, littleEndian);
  return copy;
}

describe('truncated captures', () => {
  it('should keep every whole pcap record and name the one cut off, at every cut point', async () => {
    const bytes = fixture('pcap/ethernet-usec-le.pcap');
    const starts = await recordStarts(bytes);
    for (let cut = 25; cut < bytes.length; cut += 37) {
      const { summary, packets, issues } = await read(bytes.subarray(0, cut), 101);
      const whole = starts.filter((s, i) => (starts[i + 1] ?? bytes.length) <= cut).length;
      expect(packets).toHaveLength(whole);
      if (starts.includes(cut)) {
        expect(issues).toEqual([]);
        expect(summary.complete).toBe(true);
      } else {
        expectOneIssue(issues, 'TRUNCATED_RECORD', whole + 1, starts[whole] ?? -1);
        expect(summary.complete).toBe(false);
      }
    }
  });

  it('should do the same for pcapng blocks', async () => {
    const bytes = fixture('pcapng/ethernet-be.pcapng');
    const starts = await recordStarts(bytes);
    const first = starts[0] ?? 0;
    for (let cut = first + 1; cut < bytes.length; cut += 53) {
      const { packets, issues } = await read(bytes.subarray(0, cut), 64);
      expect(packets.map((p) => p.offset)).toEqual(starts.slice(0, packets.length));
      expect(packets.length).toBeGreaterThanOrEqual(starts.filter((s) => s < cut).length - 1);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({
        code: 'TRUNCATED_BLOCK',
        locator: { packet: packets.length + 1 },
      });
      expect(issues[0]?.locator.byteOffset).toBeLessThan(cut);
      expect(issues[0]?.locator.byteOffset).toBeGreaterThan(packets.at(-1)?.offset ?? -1);
    }
  });

  it('should report a capture cut inside its file header', async () => {
    const { issues, summary } = await read(fixture('pcap/ethernet-usec-le.pcap').subarray(0, 10));
    expectOneIssue(issues, 'TRUNCATED_HEADER', 1, 0);
    expect(summary.packets).toBe(0);
  });
});

describe('corrupt captures', () => {
  it('should reject a bad magic number without reading on', async () => {
    const { issues, summary } = await read(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    expectOneIssue(issues, 'BAD_MAGIC', 1, 0);
    expect(issues[0]?.message).toContain('47 45 54 20');
    expect(summary).toMatchObject({ format: 'unknown', packets: 0, complete: false });
  });

  it('should report an empty file', async () => {
    const { issues } = await read(new Uint8Array(0));
    expect(issues.map((i) => i.code)).toEqual(['EMPTY_CAPTURE']);
  });

  it('should stop at an absurd record length (2^31) with the packets before it', async () => {
    const bytes = fixture('pcap/ethernet-usec-le.pcap');
    const starts = await recordStarts(bytes);
    const third = starts[2] ?? 0;
    const { packets, issues, summary } = await read(withU32(bytes, third + 8, 2 ** 31));
    expect(packets).toHaveLength(2);
    expectOneIssue(issues, 'CORRUPT_RECORD', 3, third);
    expect(summary.complete).toBe(false);
  });

  it('should hold records to the snaplen the header declares', async () => {
    const bytes = withU32(fixture('pcap/ethernet-usec-le.pcap'), 16, 60);
    const { packets, issues } = await read(bytes);
    expect(packets.length).toBeLessThan(60);
    expect(issues.map((i) => [i.code, i.locator.packet])).toEqual([
      ['CORRUPT_RECORD', packets.length + 1],
    ]);
    expect(issues[0]?.message).toContain('exceeds the limit of 60 bytes');
  });

  it.each([
    ['not a multiple of 4', 0x63],
    ['below 12', 8],
    ['above 16 MiB', 0x7fffffff],
  ])('should stop at a pcapng block length %s', async (_what, length) => {
    const bytes = fixture('pcapng/ethernet-le.pcapng');
    const starts = await recordStarts(bytes);
    const fifth = starts[4] ?? 0;
    const { packets, issues } = await read(withU32(bytes, fifth + 4, length));
    expect(packets).toHaveLength(4);
    expectOneIssue(issues, 'CORRUPT_BLOCK', 5, fifth);
  });

  it('should stop when a block trailing length disagrees with its leading one', async () => {
    const bytes = fixture('pcapng/ethernet-le.pcapng');
    const starts = await recordStarts(bytes);
    const second = starts[1] ?? 0;
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(second + 4, true);
    const { packets, issues } = await read(withU32(bytes, second + length - 4, length + 4));
    expect(packets).toHaveLength(1);
    expectOneIssue(issues, 'CORRUPT_BLOCK', 2, second);
  });

  it('should skip a packet block whose captured length overruns it, and go on', async () => {
    const bytes = fixture('pcapng/ethernet-le.pcapng');
    const starts = await recordStarts(bytes);
    const third = starts[2] ?? 0;
    const { packets, issues, summary } = await read(withU32(bytes, third + 20, 100_000));
    expect(packets.map((p) => p.number)).not.toContain(3);
    expect(packets).toHaveLength(39);
    expectOneIssue(issues, 'BAD_PACKET_BLOCK', 3, third);
    expect(summary.complete).toBe(true);
  });
});

describe('streaming', () => {
  it('should hand packets over while the source is still being read', async () => {
    const bytes = fixture('pcap/ethernet-usec-le.pcap');
    let requested = 0;
    const seenWhenRequested: number[] = [];
    let seen = 0;
    async function* source() {
      for (let at = 0; at < bytes.length; at += 256) {
        requested += 1;
        seenWhenRequested.push(seen);
        yield await Promise.resolve(bytes.slice(at, at + 256));
      }
    }
    await readCapture(source(), 't', () => (seen += 1), new IssueCollector('t'));
    expect(requested).toBeGreaterThan(20);
    // Half-way through the file, a good share of the packets has already been delivered.
    expect(seenWhenRequested[Math.floor(requested / 2)]).toBeGreaterThan(10);
  });

  it('should never look at a chunk again after asking for the next (sources may reuse buffers)', async () => {
    const bytes = fixture('pcapng/ethernet-le.pcapng');
    const reused = new Uint8Array(333);
    async function* source() {
      for (let at = 0; at < bytes.length; at += reused.length) {
        const piece = bytes.subarray(at, at + reused.length);
        reused.fill(0xee);
        reused.set(piece);
        yield await Promise.resolve(reused.subarray(0, piece.length));
      }
    }
    const seqs: number[] = [];
    const expected: number[] = [];
    await readCapture(source(), 't', (v) => seqs.push(v.seq), new IssueCollector('t'));
    await readCapture(
      bytesSource(bytes),
      't',
      (v) => expected.push(v.seq),
      new IssueCollector('t'),
    );
    expect(seqs).toEqual(expected);
  });

  it('should let exceptions thrown by the callback through', async () => {
    await expect(
      readCapture(
        bytesSource(fixture('pcap/ethernet-usec-le.pcap')),
        't',
        () => {
          throw new Error('consumer failed');
        },
        new IssueCollector('t'),
      ),
    ).rejects.toThrow('consumer failed');
  });
});
