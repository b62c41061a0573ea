import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@test/support/service-process.js';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'apps/cli/bin/netmortem.js');
const EXAMPLES = path.join(REPO_ROOT, 'examples');
const INVALID_DROP = '-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP';

interface SimulateJson {
  input: { packets: number; captures: string[]; kernelProfile: string; localAddresses: string[] };
  packets: {
    capture: string;
    index: number;
    ctinfo: string | null;
    ctStateBefore: string | null;
    ctStateAfter: string | null;
    nat: { applied: boolean; kind?: string; skippedBecause?: string };
    filter: { verdict: string };
    delivery: { socket: string; local: string } | null;
    response: { kind: string } | null;
    invalidReason?: string;
  }[];
  timeline: { kind: string; note: string }[];
  diff?: { noLongerHappens: { index: number; sentence: string }[]; summary: string[] };
}

async function simulate(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, 'simulate', ...args], {
    maxBuffer: 64 * 1024 ** 2,
    env: { PATH: process.env.PATH },
  });
}

interface Segment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: number;
  seq: number;
  ack: number;
  window: number;
  payload: number;
  atMs: number;
  windowScale?: number;
}

/** A raw-IP (linktype 101) pcap of IPv4/TCP segments: what tcpdump -w writes for a tun device. */
function pcap(segments: readonly Segment[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20);
  const records = segments.map((s, i) => {
    const options =
      s.windowScale === undefined ? Buffer.alloc(0) : Buffer.from([1, 3, 3, s.windowScale]);
    const tcpLength = 20 + options.length;
    const total = 20 + tcpLength + s.payload;
    const ip = Buffer.alloc(total);
    ip[0] = 0x45;
    ip.writeUInt16BE(total, 2);
    ip.writeUInt16BE(1000 + i, 4);
    ip.writeUInt16BE(0x4000, 6);
    ip[8] = 64;
    ip[9] = 6;
    s.src.split('.').forEach((octet, k) => (ip[12 + k] = Number(octet)));
    s.dst.split('.').forEach((octet, k) => (ip[16 + k] = Number(octet)));
    ip.writeUInt16BE(s.sport, 20);
    ip.writeUInt16BE(s.dport, 22);
    ip.writeUInt32BE(s.seq >>> 0, 24);
    ip.writeUInt32BE(s.ack >>> 0, 28);
    ip[32] = (tcpLength / 4) << 4;
    ip[33] = s.flags;
    ip.writeUInt16BE(s.window, 34);
    options.copy(ip, 40);
    const record = Buffer.alloc(16);
    const usec = 1_700_000_000_000_000 + s.atMs * 1000;
    record.writeUInt32LE(Math.floor(usec / 1e6), 0);
    record.writeUInt32LE(usec % 1e6, 4);
    record.writeUInt32LE(total, 8);
    record.writeUInt32LE(total, 12);
    return Buffer.concat([record, ip]);
  });
  return Buffer.concat([header, ...records]);
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const RST = 0x04;

/**
 * Seed 001 captured on the pod (10.77.0.2, REDIRECT :80 -> :8080): a client segment far
 * beyond the pod's window, then the RST the pod sent from port 80.
 */
function seed1Capture(): Buffer {
  const c = { src: '10.77.0.1', dst: '10.77.0.2', sport: 40000, dport: 80 };
  const s = { src: '10.77.0.2', dst: '10.77.0.1', sport: 80, dport: 40000 };
  return pcap([
    { ...c, flags: SYN, seq: 1000, ack: 0, window: 64240, payload: 0, atMs: 0, windowScale: 7 },
    {
      ...s,
      flags: SYN | ACK,
      seq: 5000,
      ack: 1001,
      window: 65160,
      payload: 0,
      atMs: 1,
      windowScale: 7,
    },
    { ...c, flags: ACK, seq: 1001, ack: 5001, window: 502, payload: 0, atMs: 2 },
    { ...c, flags: PSH | ACK, seq: 1001, ack: 5001, window: 502, payload: 100, atMs: 3 },
    { ...s, flags: ACK, seq: 5001, ack: 1101, window: 509, payload: 0, atMs: 4 },
    {
      ...c,
      flags: PSH | ACK,
      seq: 1101 + 50_000_000,
      ack: 5001,
      window: 502,
      payload: 100,
      atMs: 5,
    },
    { ...s, flags: RST, seq: 5001, ack: 0, window: 0, payload: 0, atMs: 6 },
  ]);
}

// `netmortem simulate` offline: the JSON contract, the text view, a what-if, and bad input.
describe('netmortem simulate', () => {
  let scratch: string;
  let seed1: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'nm-simulate-'));
    // The example sidecar's own evidence, minus its INVALID drop, plus a pod-side capture.
    seed1 = path.join(scratch, 'seed1');
    await mkdir(seed1);
    for (const name of ['ss-tanoie.txt', 'sysctl-net.txt', 'uname.txt'])
      await copyFile(path.join(EXAMPLES, 'sidecar-node-snapshot', name), path.join(seed1, name));
    const rules = await readFile(
      path.join(EXAMPLES, 'sidecar-node-snapshot', 'iptables-save.txt'),
      'utf8',
    );
    expect(rules).toContain(INVALID_DROP);
    await writeFile(path.join(seed1, 'iptables-save.txt'), rules.replace(`${INVALID_DROP}\n`, ''));
    await writeFile(path.join(seed1, 'pod.pcap'), seed1Capture());
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('should print one verdict per packet and the hidden-state timeline of an example bundle', async () => {
    const { stdout } = await simulate(
      path.join(EXAMPLES, 'client-node-kube-proxy'),
      '--format',
      'json',
    );
    const result = JSON.parse(stdout) as SimulateJson;
    expect(result.input.captures).toEqual(['client.pcap']);
    expect(result.packets).toHaveLength(result.input.packets);
    expect(result.packets.map((p) => p.index)).toEqual(result.packets.map((_, i) => i + 1));
    for (const packet of result.packets) {
      expect(packet).toHaveProperty('ctinfo');
      expect(packet).toHaveProperty('ctStateBefore');
      expect(packet).toHaveProperty('nat.applied');
      expect(packet).toHaveProperty('filter.verdict');
      expect(packet).toHaveProperty('delivery');
      expect(packet).toHaveProperty('response');
    }
    const created = result.timeline.filter((e) => e.kind === 'created');
    expect(created.length).toBe(result.packets.filter((p) => p.ctinfo === 'NEW').length);
  });

  it('should find the INVALID segment that skipped REDIRECT and the RST it drew', async () => {
    const { stdout } = await simulate(seed1, '--format', 'json');
    const result = JSON.parse(stdout) as SimulateJson;
    expect(result.input.kernelProfile).toBe('5.14-6.1');
    const stray = result.packets.find((p) => p.index === 6);
    expect(stray?.ctinfo).toBe('INVALID');
    expect(stray?.nat.applied).toBe(false);
    expect(stray?.nat.skippedBecause).toMatch(/^INVALID \(SEQ is over/);
    expect(stray?.delivery?.local).toBe('10.77.0.2:80');
    expect(stray?.response?.kind).toMatch(/^RST/);
    const text = (await simulate(seed1)).stdout;
    expect(text).toMatch(/pod\.pcap#6 .*INVALID.*NAT skipped: INVALID/);
    expect(text).toContain('HIDDEN STATE');
  });

  it('should say which packet no longer happens under a what-if', async () => {
    const { stdout } = await simulate(
      seed1,
      '--format',
      'json',
      '--what-if',
      `add-rule=mangle:${INVALID_DROP.replace('ISTIO_DROP', 'DROP')}`,
    );
    const result = JSON.parse(stdout) as SimulateJson;
    expect(result.diff?.noLongerHappens.map((v) => v.index)).toEqual([7]);
    expect(result.diff?.summary[0]).toMatch(
      /^packet 7 \(RST from 10\.77\.0\.2:80\) no longer happens: packet 6 is now INVALID and dropped/,
    );
    const liberal = await simulate(
      seed1,
      '--what-if',
      'net.netfilter.nf_conntrack_tcp_be_liberal=1',
    );
    expect(liberal.stdout).toMatch(
      /WHAT-IF {2}net\.netfilter\.nf_conntrack_tcp_be_liberal=1\n {2}packet 7 \(RST from 10\.77\.0\.2:80\) no longer happens: packet 6 is now ESTABLISHED/,
    );
  });

  it('should refuse unusable input with a message that names it', async () => {
    await expect(simulate(path.join(scratch, 'nope'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/nope: no such file or directory/) as string,
    });
    const noCapture = path.join(scratch, 'no-capture');
    await mkdir(noCapture);
    await copyFile(
      path.join(EXAMPLES, 'sidecar-node-snapshot', 'uname.txt'),
      path.join(noCapture, 'uname.txt'),
    );
    await expect(simulate(noCapture)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no-capture: no capture \(pcap or pcapng\)/) as string,
    });
    await expect(simulate(seed1, '--set', 'be_liberal')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--set "be_liberal": expected key=value/) as string,
    });
    await expect(
      simulate(seed1, '--what-if', 'remove-rule=filter:-A INPUT -j NOTHING'),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no rule "-A INPUT -j NOTHING" in table filter/) as string,
    });
  });

  it('should replay what a truncated capture held and say where it broke', async () => {
    const bytes = seed1Capture();
    const cut = path.join(scratch, 'cut.pcap');
    await writeFile(cut, bytes.subarray(0, bytes.length - 10));
    const { stdout, stderr } = await simulate(cut, '--format', 'json');
    const result = JSON.parse(stdout) as SimulateJson;
    expect(result.packets).toHaveLength(6);
    expect(stderr).toMatch(/warning: cut\.pcap#packet 7/);
  });
});
