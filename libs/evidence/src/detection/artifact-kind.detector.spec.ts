import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTOR_FAMILIES, detectArtifactKind } from './artifact-kind.detector.js';
import { DETECTION_HEAD_BYTES } from './kind-detection.js';
import { sampleText } from './text-sample.js';

const fixture = (path: string) =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A head as the bundle reader hands it over: the first 64 KiB of a longer file. */
function headOfLongFile(content: Uint8Array): Uint8Array {
  const head = new Uint8Array(DETECTION_HEAD_BYTES);
  for (let at = 0; at < head.length; at += content.length) {
    head.set(content.subarray(0, Math.min(content.length, head.length - at)), at);
  }
  return head;
}

describe('detectArtifactKind: content decides, the name never overrides it', () => {
  it.each([
    ['pcap/ethernet-usec-le.pcap', 'ss.txt', 'pcap'],
    ['pcapng/ethernet-le.pcapng', 'conntrack.txt', 'pcapng'],
    ['ss/tanoie-client.txt', 'capture.pcap', 'ss'],
    ['netstat/tan.txt', 'ss-tanoie.txt', 'netstat'],
    ['conntrack-table/L-server-redirect.txt', 'iptables-save.txt', 'conntrack-table'],
    ['conntrack-events/E-timestamp.txt', 'conntrack-L.txt', 'conntrack-events'],
    ['iptables-save/legacy-kube-proxy.txt', 'dmesg.log', 'iptables-save'],
    ['nft-ruleset/native-inet-filter-ip-nat.txt', 'iptables.rules', 'nft-ruleset'],
    ['sysctl/net-in-netns.txt', 'uname.txt', 'sysctl'],
    ['envoy-access-log/istio-json.txt', 'manifest.json', 'envoy-access-log'],
    ['envoy-debug-log/envoy-native-debug.txt', 'access.log', 'envoy-debug-log'],
    ['strace/curl-f-tt-refused.txt', 'app.log', 'strace'],
    ['app-log/kubectl-port-forward.txt', 'conntrack-events.txt', 'app-log'],
    ['dmesg/journalctl-k.txt', 'kubelet.log', 'dmesg'],
    ['manifest/collector-json.txt', 'nft.json', 'manifest'],
  ])('%s saved as %s is %s', (path, name, kind) => {
    expect(detectArtifactKind(fixture(path), `bundle/node-1/${name}`).kind).toBe(kind);
  });
});

describe('detectArtifactKind: the name settles weak or tied content only', () => {
  const notes = utf8(
    'Paged at 10:10. Saw connection reset by peer in the client, then it recovered.\n',
  );
  const properties = utf8(
    'spring.datasource.url = jdbc:postgresql://db:5432/shop\nserver.port = 8080\n',
  );

  it('calls unrecognisable text under a .log name an app log, with fallback confidence', () => {
    const detection = detectArtifactKind(utf8('%%%%\n&&&& ****\n'), 'client/output.log');
    expect(detection).toMatchObject({ kind: 'app-log' });
    expect(detection.confidence).toBeLessThanOrEqual(0.3);
  });

  it('calls the same text unknown under any other name', () => {
    expect(detectArtifactKind(utf8('%%%%\n&&&& ****\n'), 'client/output.txt').kind).toBe('unknown');
  });

  it('lets a log name confirm prose that mentions network failures', () => {
    const detection = detectArtifactKind(notes, 'client.log');
    expect(detection.kind).toBe('app-log');
    expect(detection.reason).toContain('file name agrees');
    expect(detectArtifactKind(notes, 'notes.md').kind).toBe('unknown');
  });

  it('lets a sysctl name confirm dotted settings outside the kernel namespaces', () => {
    expect(detectArtifactKind(properties, 'etc/sysctl.conf').kind).toBe('sysctl');
    expect(detectArtifactKind(properties, 'application.properties').kind).toBe('unknown');
  });

  it('reports what came closest when nothing matched', () => {
    expect(detectArtifactKind(notes, 'notes.md').reason).toMatch(/closest: app-log/);
  });
});

describe('detectArtifactKind: heads are prefixes', () => {
  it('ignores a last line cut in the middle of a multi-byte character', () => {
    const line = '2026-01-14 10:21:07,412 ERROR 连接被对端重置: connection reset by peer\n';
    const whole = utf8(line.repeat(3));
    for (let cut = whole.length - 12; cut < whole.length; cut++) {
      expect(detectArtifactKind(whole.subarray(0, cut), 'client.txt').kind).toBe('app-log');
    }
  });

  it.each([
    'ss/tapionume-server.txt',
    'conntrack-events/E-timestamp.txt',
    'iptables-save/legacy-kube-proxy.txt',
    'sysctl/a-trimmed.txt',
    'envoy-access-log/istio-json.txt',
    'strace/python-f-tt-T-reset-by-peer.txt',
  ])('keeps %s at every cut after its first lines', (path) => {
    const bytes = fixture(path);
    const kind = path.split('/')[0];
    const firstLines = bytes.indexOf(0x0a, bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1) + 1;
    for (let cut = firstLines; cut <= bytes.length; cut += 97) {
      expect(detectArtifactKind(bytes.subarray(0, cut), path).kind, `cut at ${cut}`).toBe(kind);
    }
  });

  it('detects the first 64 KiB of files much longer than that', () => {
    for (const path of [
      'conntrack-table/L-id.txt',
      'envoy-debug-log/envoy-native-debug.txt',
      'dmesg/raw.txt',
    ]) {
      expect(detectArtifactKind(headOfLongFile(fixture(path)), 'big').kind).toBe(
        path.split('/')[0],
      );
    }
  });

  it('looks at no more than DETECTION_HEAD_BYTES, however much it is given', () => {
    const text = utf8(`${'x'.repeat(DETECTION_HEAD_BYTES)}\n`);
    const withCaptureBeyond = new Uint8Array(text.length + 24);
    withCaptureBeyond.set(text);
    withCaptureBeyond.set([0xd4, 0xc3, 0xb2, 0xa1], text.length);
    expect(detectArtifactKind(withCaptureBeyond, 'x').kind).toBe('unknown');
  });
});

describe('detectArtifactKind: files that are none of the kinds', () => {
  it.each([
    [new Uint8Array(0), 'empty file'],
    [utf8(' \n\t\n\r\n'), 'only whitespace'],
    [Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256), 'binary data'],
    [Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]), 'gzip'],
  ])('%#: %s is unknown', (bytes, reason) => {
    const detection = detectArtifactKind(bytes, 'capture.pcap');
    expect(detection.kind).toBe('unknown');
    expect(detection.reason).toContain(reason);
  });

  it('treats a few stray non-UTF-8 bytes in a log as text', () => {
    const latin1 = utf8(
      '2026-01-14 10:21:07 ERROR read: connection reset by peer (caf\u00e9)\n'.repeat(20),
    );
    latin1[latin1.indexOf(0xc3)] = 0xe9;
    expect(detectArtifactKind(latin1, 'x').kind).toBe('app-log');
  });
});

describe('detector families', () => {
  const corpus = [
    'ss/tanoie-server.txt',
    'netstat/tanpo-timers.txt',
    'conntrack-table/proc-nf_conntrack-client.txt',
    'conntrack-events/E-extended-timestamp.txt',
    'conntrack-stats/S.txt',
    'iptables-save/nft-istio-sidecar.txt',
    'nft-ruleset/json.txt',
    'sysctl/proc-sys-grep.txt',
    'uname/gke-cos.txt',
    'dmesg/facility-level-x.txt',
    'envoy-access-log/kubectl-logs-istio-proxy-mixed.txt',
    'envoy-debug-log/istio-proxy-modern.txt',
    'strace/curl-o-f-tt-pid-prefix.txt',
    'app-log/java-spring-hikari-stacktrace.txt',
    'manifest/collector-yaml.txt',
    'net-counters/netstat-s-client.txt',
    'net-counters/proc-net-netstat-server.txt',
  ];

  it('never report more than their declared ceiling, so skipping them is safe', () => {
    for (const path of corpus) {
      const sample = sampleText(fixture(path));
      for (const family of DETECTOR_FAMILIES) {
        expect(
          family.detect(sample)?.confidence ?? 0,
          `${family.name} on ${path}`,
        ).toBeLessThanOrEqual(family.ceiling);
      }
    }
  });

  it('detect a 64 KiB head in under a millisecond', () => {
    const heads = corpus.map((path) => headOfLongFile(fixture(path)));
    heads.push(
      headOfLongFile(utf8('a'.repeat(70_000))),
      headOfLongFile(utf8('{"a":'.repeat(20_000))),
    );
    for (const head of heads) detectArtifactKind(head, 'warm-up');
    // The best of several batches measures the work itself, not a busy machine's scheduling.
    const batchMeans = Array.from({ length: 5 }, () => {
      const started = performance.now();
      for (const head of heads) detectArtifactKind(head, 'timed');
      return (performance.now() - started) / heads.length;
    });
    expect(Math.min(...batchMeans)).toBeLessThan(1);
  });
});
