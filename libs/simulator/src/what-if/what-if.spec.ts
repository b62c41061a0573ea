import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Packet, Ruleset, SocketSnapshot, SysctlSet } from '@netmortem/domain';
import { bytesSource, collectBundleEvidence } from '@netmortem/evidence';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticTcpPacket, type SyntheticTcpSegment } from '../conntrack/synthetic-packet.js';
import { replayEvidence } from '../replay/replay.js';
import type { ReplayEvidence } from '../replay/replay-types.js';
import { editRulesets } from './ruleset-edit.js';
import { whatIf } from './what-if.js';
import { parseWhatIfSpecs } from './what-if-spec.js';

const SIDECAR = fileURLToPath(
  new URL('../../../../examples/sidecar-node-snapshot/', import.meta.url),
);
const CAPTURE = 'pod-eth0.pcap';
const CLIENT = '10.77.0.1';
const POD = '10.77.0.2';
const T0 = 1_700_000_000_000_000;
const INVALID_DROP = '-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP';

let rulesets: Ruleset[];
let sockets: SocketSnapshot[];
let sysctls: SysctlSet[];

beforeAll(async () => {
  const files = ['iptables-save.txt', 'ss-tanoie.txt', 'sysctl-net.txt'];
  const evidence = await collectBundleEvidence(
    await Promise.all(
      files.map(async (name) => {
        const bytes = await readFile(`${SIDECAR}${name}`);
        return {
          path: name,
          sizeBytes: bytes.length,
          open: () => Promise.resolve(bytesSource(bytes)),
        };
      }),
    ),
  );
  rulesets = evidence.rulesets;
  sockets = evidence.sockets;
  sysctls = evidence.sysctls;
});

function segment(
  number: number,
  atMs: number,
  s: Omit<SyntheticTcpSegment, 'number' | 'timeUs'>,
): Packet {
  const packet = syntheticTcpPacket({ ...s, number, timeUs: T0 + atMs * 1000 });
  return { ...packet, locator: { artifact: CAPTURE, packet: number } };
}

/**
 * Seed 001 on the example sidecar's own rules (REDIRECT :80 -> :8080, be_liberal=0): a
 * connection through the proxy port, then a client segment far beyond the pod's receive
 * window, then the RST the pod sent from port 80 (where nothing listens).
 */
function seed1Packets(): Packet[] {
  const c = { src: CLIENT, dst: POD, srcPort: 40000, dstPort: 80 };
  const s = { src: POD, dst: CLIENT, srcPort: 80, dstPort: 40000 };
  const opts = { mss: 1460, windowScale: 7, sackPermitted: true };
  return [
    segment(1, 0, { ...c, flags: 'S', seq: 1000, window: 64240, options: opts }),
    segment(2, 1, { ...s, flags: 'S.', seq: 5000, ack: 1001, window: 65160, options: opts }),
    segment(3, 2, { ...c, flags: '.', seq: 1001, ack: 5001, window: 502 }),
    segment(4, 3, { ...c, flags: 'P.', seq: 1001, ack: 5001, window: 502, payload: 100 }),
    segment(5, 4, { ...s, flags: '.', seq: 5001, ack: 1101, window: 509 }),
    // 50 MB past what the pod acknowledged: outside any window it advertised.
    segment(6, 5, {
      ...c,
      flags: 'P.',
      seq: 1101 + 50_000_000,
      ack: 5001,
      window: 502,
      payload: 100,
    }),
    segment(7, 6, { ...s, flags: 'R', seq: 5001, ack: 0, window: 0 }),
  ];
}

function evidenceWith(packets: Packet[], withoutInvalidDrop: boolean): ReplayEvidence {
  return {
    packets,
    rulesets: withoutInvalidDrop
      ? editRulesets(rulesets, [{ table: 'mangle', line: INVALID_DROP }], [])
      : rulesets,
    sockets,
    sysctls,
  };
}

describe('replay: the INVALID packet that skips REDIRECT (seed 001)', () => {
  it('marks the out-of-window segment INVALID, skips NAT and predicts the RST the capture shows', () => {
    const run = replayEvidence(evidenceWith(seed1Packets(), true));
    const packets = run.report().packets;
    const handshake = packets[0];
    expect(handshake?.ctinfo).toBe('NEW');
    expect(handshake?.nat.kind).toBe('REDIRECT');
    expect(handshake?.nat.translated?.dstPort).toBe(8080);
    expect(handshake?.delivery?.socket).toBe('listener');

    const stray = packets[5];
    expect(stray?.ctinfo).toBe('INVALID');
    expect(stray?.invalidReason).toMatch(/over (the )?upper bound/);
    expect(stray?.nat.applied).toBe(false);
    expect(stray?.nat.skippedBecause).toMatch(/^INVALID \(/);
    // Without REDIRECT it reaches port 80 itself, where no socket has this connection.
    expect(stray?.delivery?.local).toBe(`${POD}:80`);
    expect(stray?.response?.kind).toMatch(/^RST/);
    expect(stray?.observedResponse).toMatchObject({ capture: CAPTURE, index: 7, matches: true });
  });

  it('says the RST no longer happens once INVALID packets are dropped (the Istio fix)', () => {
    const packets = seed1Packets();
    const baseline = replayEvidence(evidenceWith(packets, true));
    const dropRule = rulesets
      .flatMap((r) => r.tables)
      .find((t) => t.name === 'mangle')
      ?.chains.find((c) => c.name === 'PREROUTING')?.rules[0];
    expect(dropRule?.raw).toBe(INVALID_DROP);
    const result = whatIf(
      evidenceWith(packets, true),
      {},
      {
        addRules: [
          { table: 'mangle', chain: 'PREROUTING', rule: dropRule as NonNullable<typeof dropRule> },
        ],
      },
      baseline,
    );
    expect(result.diff.noLongerHappens).toHaveLength(1);
    expect(result.diff.noLongerHappens[0]?.index).toBe(7);
    expect(result.diff.noLongerHappens[0]?.sentence).toMatch(
      /^packet 7 \(RST from 10\.77\.0\.2:80\) no longer happens: packet 6 is now INVALID and dropped by mangle PREROUTING/,
    );
  });

  it('says the same for nf_conntrack_tcp_be_liberal=1, where the segment follows the REDIRECT binding', () => {
    const { overrides } = parseWhatIfSpecs(['net.netfilter.nf_conntrack_tcp_be_liberal=1']);
    const result = whatIf(evidenceWith(seed1Packets(), true), {}, overrides);
    const sentence = result.diff.noLongerHappens[0]?.sentence ?? '';
    expect(sentence).toMatch(
      /packet 7 \(RST from 10\.77\.0\.2:80\) no longer happens: packet 6 is now ESTABLISHED and DNATed to 10\.77\.0\.2:8080/,
    );
  });
});

describe('what-if: keepalive keeps an idle entry alive', () => {
  it('reports the expiry that no longer happens', () => {
    // A client on this host talks to a ClusterIP-like address; the entry's ESTABLISHED timer is
    // shrunk to 300 s and the flow idles for 400 s.
    const c = { src: POD, dst: '10.77.0.9', srcPort: 41000, dstPort: 9000 };
    const s = { src: '10.77.0.9', dst: POD, srcPort: 9000, dstPort: 41000 };
    const packets = [
      segment(1, 0, { ...c, flags: 'S', seq: 100, window: 64240, options: { windowScale: 7 } }),
      segment(2, 1, {
        ...s,
        flags: 'S.',
        seq: 900,
        ack: 101,
        window: 65160,
        options: { windowScale: 7 },
      }),
      segment(3, 2, { ...c, flags: '.', seq: 101, ack: 901, window: 502 }),
      segment(4, 400_000, { ...c, flags: 'P.', seq: 101, ack: 901, window: 502, payload: 10 }),
    ];
    const evidence: ReplayEvidence = { packets, sockets, sysctls };
    const options = { settings: { 'net.netfilter.nf_conntrack_tcp_timeout_established': '300' } };
    const baseline = replayEvidence(evidence, options);
    expect(baseline.timeline().some((e) => e.kind === 'expired' && e.timer === 'ESTABLISHED')).toBe(
      true,
    );
    const { overrides } = parseWhatIfSpecs(['keepalive=client:60']);
    const result = whatIf(evidence, options, overrides, baseline);
    expect(result.diff.synthesised).toBeGreaterThan(0);
    expect(result.diff.timeline.join('\n')).toMatch(
      /the conntrack entry for 10\.77\.0\.2:41000 > 10\.77\.0\.9:9000 no longer expires \(ESTABLISHED timer\) at \d\d:\d\d:\d\d\.\d{6} \(keepalive every 60 s from the client refreshes it\)/,
    );
    // The late segment is part of the same entry again instead of a fresh one.
    const late = result.variant
      .report()
      .packets.find((p) => p.capture === CAPTURE && p.index === 4);
    expect(late?.ctStateBefore).toBe('ESTABLISHED');
  });
});
