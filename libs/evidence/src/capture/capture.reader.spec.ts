import { readFileSync } from 'node:fs';
import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../text/issue-collector.js';
import { bytesSource, capturePackets, readCapture } from './capture.reader.js';
import type { CaptureSummary } from './capture-summary.js';
import { PacketDirection, type PacketView } from './packet-view.js';

const detection = new URL('../detection/__fixtures__/', import.meta.url);
const fixture = (path: string) => new Uint8Array(readFileSync(new URL(path, detection)));
const own = (path: string) =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url)));

async function all(bytes: Uint8Array, chunkSize = 65_536) {
  const issues = new IssueCollector('t');
  const packets: Packet[] = [];
  const generator = capturePackets(bytesSource(bytes, chunkSize), 't', issues);
  for (;;) {
    const next = await generator.next();
    if (next.done === true) return { packets, summary: next.value, issues: issues.list() };
    packets.push(next.value);
  }
}

// ---- builders for hand-made captures: what no tool on this host writes -------------

/** Ethernet + IPv4 + TCP SYN from 10.0.0.1:40000 to 10.0.0.2:80. */
function tcpFrame(seq = 1000): Uint8Array {
  const frame = new Uint8Array(14 + 20 + 20);
  const v = new DataView(frame.buffer);
  v.setUint16(12, 0x0800);
  frame.set([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  v.setUint16(34, 40000);
  v.setUint16(36, 80);
  v.setUint32(38, seq);
  frame[46] = 0x50;
  frame[47] = 0x02;
  v.setUint16(48, 64240);
  return frame;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class Writer {
  private readonly parts: number[] = [];
  constructor(private readonly le: boolean) {}
  u8(...values: number[]): this {
    this.parts.push(...values);
    return this;
  }
  u16(value: number): this {
    return this.u8(...(this.le ? [value & 255, value >> 8] : [value >> 8, value & 255]));
  }
  u32(value: number): this {
    const b = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
    return this.u8(...(this.le ? b.reverse() : b));
  }
  bytes(data: Uint8Array): this {
    this.parts.push(...data);
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }
  option(code: number, value: Uint8Array): this {
    return this.u16(code).u16(value.length).bytes(value);
  }
  end(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

function block(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const length = 12 + body.length;
  return concat([
    new Writer(le).u32(type).u32(length).end(),
    body,
    new Writer(le).u32(length).end(),
  ]);
}

function shb(le: boolean): Uint8Array {
  return block(
    le,
    0x0a0d0d0a,
    new Writer(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).end(),
  );
}

function idb(le: boolean, linkType: number, options: Writer): Uint8Array {
  return block(
    le,
    1,
    concat([new Writer(le).u16(linkType).u16(0).u32(0).end(), options.u16(0).u16(0).end()]),
  );
}

function epb(
  le: boolean,
  iface: number,
  high: number,
  low: number,
  data: Uint8Array,
  flags?: number,
): Uint8Array {
  const w = new Writer(le)
    .u32(iface)
    .u32(high)
    .u32(low)
    .u32(data.length)
    .u32(data.length)
    .bytes(data);
  if (flags !== undefined) w.u16(2).u16(4).u32(flags).u16(0).u16(0);
  return block(le, 6, w.end());
}

const text = (s: string) => new TextEncoder().encode(s);

function summaryOf(
  bytes: Uint8Array,
): Promise<{ summary: CaptureSummary; views: ReturnType<typeof snapshot>[]; issues: string[] }> {
  const issues = new IssueCollector('t');
  const views: ReturnType<typeof snapshot>[] = [];
  return readCapture(bytesSource(bytes), 't', (v) => views.push(snapshot(v)), issues).then(
    (summary) => ({
      summary,
      views,
      issues: issues.list().map((i) => i.code),
    }),
  );
}

function snapshot(v: PacketView) {
  return {
    number: v.number,
    timeUs: v.timeUs,
    sub: v.timeSubUsNs,
    interfaceId: v.interfaceId,
    linkType: v.linkType,
    direction: v.direction,
    ipVersion: v.ipVersion,
    seq: v.seq,
    byteOffset: v.byteOffset,
  };
}

describe('readCapture on real captures', () => {
  it.each([
    ['pcap/ethernet-usec-le.pcap', 'little-endian', 'us', 60],
    ['pcap/ethernet-usec-be.pcap', 'big-endian', 'us', 60],
    ['pcap/ethernet-nsec-le.pcap', 'little-endian', 'ns', 40],
    ['pcap/ethernet-nsec-be.pcap', 'big-endian', 'ns', 40],
  ])('%s: pcap, %s, %s timestamps', async (path, byteOrder, resolution, count) => {
    const { summary } = await summaryOf(fixture(path));
    expect(summary).toMatchObject({
      format: 'pcap',
      byteOrder,
      linkTypes: ['EN10MB'],
      packets: count,
      complete: true,
      interfaces: [{ id: 0, linkType: 1, timeResolution: resolution }],
    });
    expect(summary.lastUs).toBeGreaterThan(summary.firstUs ?? Infinity);
  });

  it('should give both byte orders the same packets', async () => {
    for (const [le, be] of [
      ['pcap/ethernet-usec-le.pcap', 'pcap/ethernet-usec-be.pcap'],
      ['pcap/ethernet-nsec-le.pcap', 'pcap/ethernet-nsec-be.pcap'],
      ['pcapng/ethernet-le.pcapng', 'pcapng/ethernet-be.pcapng'],
    ] as const) {
      const [a, b] = await Promise.all([all(fixture(le)), all(fixture(be))]);
      expect(b.packets.map((p) => ({ ...p, locator: p.locator.packet }))).toEqual(
        a.packets.map((p) => ({ ...p, locator: p.locator.packet })),
      );
    }
  });

  it('should read a two-interface pcapng with interface names and statistics', async () => {
    const { summary, packets } = await all(fixture('pcapng/two-interfaces.pcapng'));
    expect(summary.format).toBe('pcapng');
    expect(summary.interfaces.map((i) => [i.id, i.name, i.linkTypeName])).toEqual([
      [0, 'nmdet-vb', 'EN10MB'],
      [1, 'lo', 'EN10MB'],
    ]);
    expect(packets.every((p) => p.interface === 'nmdet-vb' || p.interface === 'lo')).toBe(true);
    expect(summary.interfaces[0]?.statistics?.received).toBeGreaterThanOrEqual(0);
  });

  it('should report direction and interface index from SLL2 and direction from SLL', async () => {
    const sll2 = await all(fixture('pcap/linux-sll2-any.pcap'));
    expect(sll2.summary.linkTypes).toEqual(['LINUX_SLL2']);
    expect(new Set(sll2.packets.map((p) => p.direction))).toEqual(new Set(['in', 'out']));
    expect(sll2.packets[0]?.interface).toMatch(/^if\d+$/);
    const sll = await all(fixture('pcap/linux-sll-any.pcap'));
    expect(sll.summary.linkTypes).toEqual(['LINUX_SLL']);
    expect(sll.packets.every((p) => p.direction !== undefined)).toBe(true);
  });

  it('should read NFLOG, raw IP (TUN), VLAN/QinQ and nanosecond pcapng captured in the lab', async () => {
    expect((await all(own('nflog.pcap'))).summary.linkTypes).toEqual(['NFLOG']);
    expect((await all(own('raw-tun.pcap'))).summary.linkTypes).toEqual(['RAW']);
    const vlan = await all(own('vlan-qinq.pcap'));
    expect(
      vlan.packets.filter((p) => p.vlan !== undefined).map((p) => [p.vlan, p.protocol]),
    ).toEqual([
      [[10], 6],
      [[20, 30], 17],
      [[10], 1],
    ]);
    const ns = await all(own('nsec.pcapng'));
    expect(ns.summary.interfaces[0]?.timeResolution).toBe('ns');
    expect(ns.packets.some((p) => p.timeSubUsNs > 0)).toBe(true);
  });

  it('should decode ICMP errors with the quoted packet', async () => {
    const { packets } = await all(own('ipv6-fragments-icmp.pcap'));
    const unreachable = packets.filter(
      (p) => p.icmp?.name === 'port-unreachable' && p.icmp.quoted?.dstPort === 9998,
    );
    expect(unreachable.map((p) => p.ipVersion).sort()).toEqual([4, 6]);
    for (const p of unreachable) {
      expect(p.icmp?.quoted).toMatchObject({ protocol: 17, dstPort: 9998, src: p.dst, dst: p.src });
    }
  });

  it('should deliver the same packets whatever the chunking, down to single bytes', async () => {
    const bytes = fixture('pcapng/ethernet-be.pcapng');
    const whole = await all(bytes, bytes.length);
    const single = await all(bytes, 1);
    expect(single.packets).toEqual(whole.packets);
    expect(single.summary).toEqual(whole.summary);
  });

  it('should stop after maxPackets and report progress', async () => {
    const progress: number[] = [];
    const issues = new IssueCollector('t');
    let seen = 0;
    const summary = await readCapture(
      bytesSource(fixture('pcap/ethernet-usec-le.pcap'), 1000),
      't',
      () => (seen += 1),
      issues,
      { maxPackets: 7, onProgress: (n) => progress.push(n) },
    );
    expect([seen, summary.packets, summary.complete]).toEqual([7, 7, true]);
    expect(progress.length).toBeGreaterThan(0);
    expect(issues.count).toBe(0);
  });
});

describe('readCapture on hand-built pcapng', () => {
  it('should read every block type of a two-section file, each section in its own byte order', async () => {
    const frame = tcpFrame(7);
    const le = true;
    const be = false;
    const nrbBody = concat([
      new Writer(le)
        .u16(1)
        .u16(4 + 9)
        .end(),
      new Writer(le)
        .bytes(concat([new Uint8Array([10, 0, 0, 2]), text('srv.local\0')]))
        .end()
        .subarray(0, 16),
      new Writer(le).u16(0).u16(0).end(),
    ]);
    const bytes = concat([
      shb(le),
      idb(
        le,
        1,
        new Writer(le)
          .option(2, text('eth0'))
          .option(9, new Uint8Array([3]))
          .option(14, new Uint8Array([10, 0, 0, 0, 0, 0, 0, 0])),
      ),
      // EPB, 1500 ms after the epoch (+10 s if_tsoffset), outbound.
      epb(le, 0, 0, 1500, frame, 2),
      // SPB: no timestamp of its own.
      block(le, 3, new Writer(le).u32(frame.length).bytes(frame).end()),
      // Obsolete packet block.
      block(
        le,
        2,
        new Writer(le)
          .u16(0)
          .u16(0)
          .u32(0)
          .u32(2000)
          .u32(frame.length)
          .u32(frame.length)
          .bytes(frame)
          .end(),
      ),
      block(le, 4, nrbBody),
      // ISB: ifrecv 42, ifdrop 3.
      block(
        le,
        5,
        new Writer(le)
          .u32(0)
          .u32(0)
          .u32(0)
          .option(4, new Uint8Array([42, 0, 0, 0, 0, 0, 0, 0]))
          .option(5, new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]))
          .u16(0)
          .u16(0)
          .end(),
      ),
      block(le, 0x0a, new Writer(le).u32(0x544c534b).u32(4).bytes(text('key!')).end()),
      block(le, 0x00000bad, new Writer(le).u32(32473).bytes(text('custom')).end()),
      block(le, 0x12345678, new Writer(le).bytes(text('unknown')).end()),
      shb(be),
      // 2^-20 s resolution, inbound.
      idb(be, 1, new Writer(be).option(9, new Uint8Array([0x94]))),
      epb(be, 0, 0, 3 * 2 ** 20 + 2 ** 19, frame, 1),
    ]);
    const { summary, views, issues } = await summaryOf(bytes);
    expect(issues).toEqual([]);
    expect(summary.format).toBe('pcapng');
    expect(summary.byteOrder).toBe('little-endian');
    expect(summary.packets).toBe(4);
    expect(summary.complete).toBe(true);
    expect(views.map((v) => [v.number, v.timeUs, v.direction, v.seq])).toEqual([
      [1, 11_500_000, PacketDirection.Out, 7],
      [2, 11_500_000, PacketDirection.Unknown, 7],
      [3, 12_000_000, PacketDirection.Unknown, 7],
      [4, 3_500_000, PacketDirection.In, 7],
    ]);
    expect(summary.interfaces).toMatchObject([
      {
        id: 0,
        section: 0,
        name: 'eth0',
        timeResolution: '1e-3 s',
        statistics: { received: 42, droppedByInterface: 3 },
      },
      { id: 0, section: 1, timeResolution: '2^-20 s' },
    ]);
    expect(summary.names).toEqual([{ ip: '10.0.0.2', names: ['srv.local'] }]);
  });

  it('should read NULL (host order) and LOOP (network order) loopback captures', async () => {
    const ip = tcpFrame().subarray(14);
    for (const [linkType, family] of [
      [0, new Uint8Array([2, 0, 0, 0])],
      [108, new Uint8Array([0, 0, 0, 2])],
    ] as const) {
      const record = concat([family, ip]);
      const header = new Writer(true)
        .u32(0xa1b2c3d4)
        .u16(2)
        .u16(4)
        .u32(0)
        .u32(0)
        .u32(65535)
        .u32(linkType)
        .end();
      const rec = new Writer(true).u32(1).u32(2).u32(record.length).u32(record.length).end();
      const { packets } = await all(concat([header, rec, record]));
      expect(packets).toHaveLength(1);
      expect(packets[0]).toMatchObject({
        src: '10.0.0.1',
        dst: '10.0.0.2',
        srcPort: 40000,
        dstPort: 80,
      });
    }
  });

  it('should read the modified-pcap variant with its longer record headers', async () => {
    const frame = tcpFrame();
    const header = new Writer(true)
      .u32(0xa1b2cd34)
      .u16(2)
      .u16(4)
      .u32(0)
      .u32(0)
      .u32(65535)
      .u32(1)
      .end();
    const rec = new Writer(true)
      .u32(1)
      .u32(2)
      .u32(frame.length)
      .u32(frame.length)
      .u32(3)
      .u16(0x0800)
      .u8(0, 0)
      .end();
    const { packets, issues } = await all(concat([header, rec, frame]));
    expect(issues).toEqual([]);
    expect(packets[0]?.tcp?.seq).toBe(1000);
  });
});
