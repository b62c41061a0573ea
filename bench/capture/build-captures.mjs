// Builds the benchmark captures from real traffic between two namespaces this script
// creates (and always deletes): tcpdump on the server's veth, both directions, until each
// file reaches its size. Reused when already present with at least that size.
//
//   nmcap-bcli 10.89.1.1-16 --nmb-c | nmb-s-- nmcap-bsrv 10.89.2.1-4
//
// Impairments without netem (this kernel has none): nftables drops of 0.1 % of the
// packets on either side of the capture point (before it: "previous segment not
// captured"; after it: retransmissions the capture sees), and an htb class with a low rate
// that 0.3 % of the packets wait in (reordering). Segments stay wire-sized (GSO limit).
import {
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { once } from 'node:events';
import { addNamespace, cleanup, inNs, link, sleep, startIn } from '../../scripts/lab/netns-lab.mjs';

const here = new URL('.', import.meta.url).pathname;
const CLI = 'nmcap-bcli';
const SRV = 'nmcap-bsrv';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

function topology() {
  addNamespace(CLI);
  addNamespace(SRV);
  const clients = Array.from({ length: 16 }, (_, i) => `10.89.1.${i + 1}/16`);
  const servers = Array.from({ length: 4 }, (_, i) => `10.89.2.${i + 1}/16`);
  link(CLI, 'nmb-c', clients, SRV, 'nmb-s', servers);
  inNs(CLI, 'sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1');
  inNs(SRV, 'sysctl -qw net.core.somaxconn=8192 net.ipv4.tcp_max_syn_backlog=8192');
  for (const ns of [CLI, SRV]) {
    inNs(ns, 'nft add table inet nmcap');
    for (const hook of ['input', 'output'])
      inNs(ns, `nft add chain inet nmcap ${hook} '{ type filter hook ${hook} priority 0; }'`);
    // Output drops happen before tcpdump's egress tap on this side; input drops after the
    // tap of the other side's packets arriving here.
    for (const hook of ['input', 'output'])
      inNs(
        ns,
        `nft add rule inet nmcap ${hook} 'meta l4proto tcp numgen random mod 10000 < 10 drop'`,
      );
    inNs(
      ns,
      'tc qdisc add dev ' + (ns === CLI ? 'nmb-c' : 'nmb-s') + ' root handle 1: htb default 10',
    );
    const dev = ns === CLI ? 'nmb-c' : 'nmb-s';
    inNs(ns, `tc class add dev ${dev} parent 1: classid 1:10 htb rate 20gbit`);
    inNs(ns, `tc class add dev ${dev} parent 1: classid 1:20 htb rate 20mbit ceil 20mbit`);
    inNs(
      ns,
      `nft add rule inet nmcap output 'meta l4proto tcp numgen random mod 10000 < 30 meta priority set 1:20'`,
    );
  }
}

/** tcpdump into `file` until it holds `bytes`, while the traffic processes keep running. */
async function captureUntil(file, bytes, snaplen, traffic) {
  const partial = `${file}.partial`;
  const tcpdump = await startIn(
    SRV,
    ['tcpdump', '-i', 'nmb-s', '-w', partial, '-s', String(snaplen), '-B', '262144'],
    'listening on',
  );
  let stderr = '';
  tcpdump.stderr.on('data', (data) => (stderr += data.toString()));
  const started = Date.now();
  let lastSize = 0;
  let lastGrowth = Date.now();
  for (;;) {
    await sleep(200);
    const size = existsSync(partial) ? statSync(partial).size : 0;
    if (size >= bytes) break;
    const dead = traffic.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (dead !== undefined)
      throw new Error(
        `traffic process ${dead.spawnargs.slice(3).join(' ')} ended (${dead.exitCode ?? dead.signalCode}): ${dead.stderrTail}`,
      );
    if (size > lastSize) {
      lastSize = size;
      lastGrowth = Date.now();
    } else if (Date.now() - lastGrowth > 20_000) {
      throw new Error(
        `${file}: stuck at ${size} bytes; traffic: ${traffic.map((c) => c.stderrTail).join(' | ')}`,
      );
    }
  }
  tcpdump.kill('SIGINT');
  await once(tcpdump, 'exit');
  renameSync(partial, file);
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `  ${file}: ${statSync(file).size} bytes in ${seconds.toFixed(1)} s; ${stderr.trim().replace(/\n/g, '; ')}\n`,
  );
}

/**
 * A valid classic-pcap prefix of `from` of about `bytes` (whole records only): the same
 * traffic, less of it, for the memory-scaling figure.
 */
export function pcapPrefix(from, to, bytes) {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  const header = Buffer.alloc(24);
  readSync(input, header, 0, 24, 0);
  writeSync(output, header);
  const recordHeader = Buffer.alloc(16);
  const body = Buffer.alloc(256 * 1024);
  let at = 24;
  while (at < bytes) {
    if (readSync(input, recordHeader, 0, 16, at) < 16) break;
    const length = recordHeader.readUInt32LE(8);
    if (readSync(input, body, 0, length, at + 16) < length) break;
    writeSync(output, recordHeader);
    writeSync(output, body, 0, length);
    at += 16 + length;
  }
  closeSync(input);
  closeSync(output);
}

/**
 * Ensures the three benchmark captures exist in `outDir` (building them from traffic when
 * missing or too small) and returns their paths.
 */
export async function ensureCaptures({
  outDir,
  fullBytes = GiB,
  headersBytes = GiB,
  smallBytes = 100 * MiB,
} = {}) {
  mkdirSync(outDir, { recursive: true });
  const full = `${outDir}/capture-full.pcap`;
  const headers = `${outDir}/capture-s128.pcap`;
  const small = `${outDir}/capture-100m.pcap`;
  const fresh = (file, bytes) => existsSync(file) && statSync(file).size >= bytes;
  if (!fresh(full, fullBytes) || !fresh(headers, headersBytes)) {
    process.stderr.write('bench: building captures from namespace traffic (a few minutes)…\n');
    try {
      topology();
      const traffic = [await startIn(SRV, ['node', `${here}traffic.mjs`, 'server'], 'ready')];
      for (const seed of [1, 2])
        traffic.push(
          await startIn(CLI, ['node', `${here}traffic.mjs`, 'client', String(seed), '40']),
        );
      // Start capturing once traffic flows, so some flows are picked up mid-stream.
      await sleep(2000);
      if (!fresh(full, fullBytes)) await captureUntil(full, fullBytes, 0, traffic);
      if (!fresh(headers, headersBytes)) await captureUntil(headers, headersBytes, 128, traffic);
      for (const child of traffic)
        if (child.stderrTail)
          process.stderr.write(`  traffic stderr: ${child.stderrTail.slice(-500)}\n`);
    } finally {
      cleanup();
    }
  }
  if (!fresh(small, smallBytes * 0.99)) pcapPrefix(full, small, smallBytes);
  return { full, headers, small };
}
