import { readFileSync } from 'node:fs';
import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { IssueCollector } from '../text/issue-collector.js';
import { collectCapturePackets, type CaptureSource } from './capture-packet-collector.js';
import { bytesSource, capturePackets } from './capture.reader.js';

const own = (path: string) =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url)));

function source(path: string, bytes: Uint8Array): CaptureSource {
  return { path, open: () => bytesSource(bytes, 1000) };
}

/** The same capture read by the one-capture generator: what the collector must agree with. */
async function viaGenerator(path: string, bytes: Uint8Array): Promise<Packet[]> {
  const packets: Packet[] = [];
  for await (const packet of capturePackets(bytesSource(bytes), path, new IssueCollector(path)))
    packets.push(packet);
  return packets;
}

describe(collectCapturePackets.name, () => {
  const a = own('vlan-qinq.pcap');
  const b = own('any-sll-dumpcap.pcapng');

  it('should keep every IP packet of every capture, in file order, with locators and interface names', async () => {
    const expected = [...(await viaGenerator('a.pcap', a)), ...(await viaGenerator('b.pcapng', b))];
    expect(expected.length).toBeGreaterThan(2);

    const result = await collectCapturePackets([source('a.pcap', a), source('b.pcapng', b)]);

    expect(result.packets).toEqual(expected);
    expect(result.overCap).toBe(0);
    expect(result.issues).toEqual([]);
    expect(result.captures.map((c) => [c.path, c.packets, c.complete])).toEqual([
      ['a.pcap', expected.filter((p) => p.locator.artifact === 'a.pcap').length, true],
      ['b.pcapng', expected.filter((p) => p.locator.artifact === 'b.pcapng').length, true],
    ]);
  });

  it('should stop keeping at the cap across captures, count the rest and say so', async () => {
    const all = await collectCapturePackets([source('a.pcap', a), source('b.pcapng', b)]);
    const cap = all.captures[0]!.packets + 1;

    const result = await collectCapturePackets([source('a.pcap', a), source('b.pcapng', b)], {
      maxPackets: cap,
    });

    expect(result.packets).toEqual(all.packets.slice(0, cap));
    expect(result.overCap).toBe(all.packets.length - cap);
    expect(result.captures[1]).toMatchObject({ packets: 1, overCap: all.packets.length - cap });
    expect(result.issues).toEqual([
      {
        locator: { artifact: 'b.pcapng' },
        code: 'PACKET_CAP',
        message: `${all.packets.length - cap} packet(s) beyond the cap of ${cap} were not kept`,
      },
    ]);
  });

  it('should keep what a truncated capture holds before the damage and name the packet', async () => {
    const whole = await collectCapturePackets([source('a.pcap', a)]);
    const cut = a.subarray(0, a.length - 7);

    const result = await collectCapturePackets([source('a.pcap', cut)]);

    expect(result.packets).toEqual(whole.packets.slice(0, -1));
    expect(result.captures[0]?.complete).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.locator).toMatchObject({
      artifact: 'a.pcap',
      packet: whole.packets.length,
    });
  });

  it('should report a capture whose bytes cannot be read and go on with the others', async () => {
    const broken: CaptureSource = {
      path: 'gone.pcap',
      open: () => Promise.reject(new Error('object sha256/00 not found')),
    };

    const result = await collectCapturePackets([broken, source('a.pcap', a)]);

    expect(result.captures.map((c) => [c.path, c.complete])).toEqual([
      ['gone.pcap', false],
      ['a.pcap', true],
    ]);
    expect(result.packets.length).toBe(result.captures[1]?.packets);
    expect(result.issues).toEqual([
      {
        locator: { artifact: 'gone.pcap' },
        code: 'CAPTURE_UNREADABLE',
        message: 'could not read the capture: object sha256/00 not found',
      },
    ]);
  });

  it('should refuse a cap that is not a count', async () => {
    await expect(collectCapturePackets([], { maxPackets: -1 })).rejects.toThrow(RangeError);
  });
});
