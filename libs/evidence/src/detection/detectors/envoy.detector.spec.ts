import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectEnvoy } from './envoy.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const fixture = (path: string) =>
  sampleText(new Uint8Array(readFileSync(new URL(`../__fixtures__/${path}`, import.meta.url))));

describe('detectEnvoy: access logs', () => {
  it.each([
    ['envoy-access-log/envoy-default-text.txt', /\(text\)/],
    ['envoy-access-log/istio-default-text.txt', /\(text\)/],
    ['envoy-access-log/istio-json.txt', /\(JSON\)/],
    ['envoy-access-log/cri-container-log-istio-proxy.txt', /\(text\)/],
    ['envoy-access-log/kubectl-logs-istio-proxy-mixed.txt', /\(text\)/],
  ])('recognises %s', (path, format) => {
    const detection = detectEnvoy(fixture(path));
    expect(detection?.kind).toBe('envoy-access-log');
    expect(detection?.reason).toMatch(format);
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads TCP proxy sessions and comma-separated response flags', () => {
    const line =
      '[2026-01-14T10:15:04.552Z] "- - -" 0 UF,URX 0 0 1003 - "-" "-" "-" "-" "10.244.2.11:5432"\n';
    expect(detectEnvoy(sample(line))?.kind).toBe('envoy-access-log');
  });

  it('reads custom JSON formats with camelCase keys', () => {
    const line =
      '{"startTime":"2026-01-14T10:15:02.871Z","responseFlags":"UC","responseCode":503,"upstreamHost":"10.0.0.9:8080","durationMs":4}\n';
    expect(detectEnvoy(sample(line))?.kind).toBe('envoy-access-log');
  });

  it('ignores JSON app logs', () => {
    expect(
      detectEnvoy(
        sample('{"level":"error","msg":"query failed","error":"read: connection reset by peer"}\n'),
      ),
    ).toBeUndefined();
  });
});

describe("detectEnvoy: Envoy's own log", () => {
  it.each([
    'envoy-debug-log/envoy-native-debug.txt',
    'envoy-debug-log/envoy-native-trace-tcp-proxy.txt',
    'envoy-debug-log/istio-proxy-modern.txt',
    'envoy-debug-log/istio-1.5-format.txt',
    'envoy-debug-log/istio-1.3-epoch-prefix.txt',
  ])('recognises %s', (path) => {
    const detection = detectEnvoy(fixture(path));
    expect(detection?.kind).toBe('envoy-debug-log');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('goes with the majority when a proxy log holds both', () => {
    const debug =
      '[2026-01-14 10:15:02.870][23][debug][connection] [source/common/network/connection_impl.cc:276] [C4712] closing socket: 0\n';
    const access =
      '[2026-01-14T10:15:02.871Z] "POST /api/v1/orders HTTP/1.1" 503 UC 231 95 4 - "-" "okhttp/4.12.0" "x" "orders:8080" "10.244.2.9:8080"\n';
    expect(detectEnvoy(sample(debug.repeat(3) + access))?.kind).toBe('envoy-debug-log');
    expect(detectEnvoy(sample(debug + access.repeat(3)))?.kind).toBe('envoy-access-log');
  });

  it("lets Envoy's startup info and warnings stand beside the access log they precede", () => {
    const warning =
      '2026-01-14T08:01:16.912004Z\twarning\tenvoy main external/envoy/source/server/server.cc:936\tThere is no configured limit\tthread=14\n';
    const access =
      '[2026-01-14T10:15:01.113Z] "GET /api HTTP/1.1" 200 - 0 1432 12 11 "-" "okhttp/4.12.0" "x" "orders:8080" "10.244.2.9:8080"\n';
    expect(detectEnvoy(sample(warning.repeat(3) + access))?.kind).toBe('envoy-access-log');
    expect(detectEnvoy(sample(warning.repeat(3)))?.kind).toBe('envoy-debug-log');
  });

  it('leaves Istio agent lines alone when no Envoy line is among them', () => {
    expect(
      detectEnvoy(
        sample('2026-01-14T08:01:15.871230Z\tinfo\txdsproxy\tconnected to upstream XDS server\n'),
      ),
    ).toBeUndefined();
  });
});
