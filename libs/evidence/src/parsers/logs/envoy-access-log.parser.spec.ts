import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { envoyAccessLogParser } from './envoy-access-log.parser.js';

const root = new URL('../../detection/__fixtures__/envoy-access-log/', import.meta.url);
const parse = (file: string) =>
  parseText(envoyAccessLogParser, readFileSync(new URL(file, root), 'utf8'), file);
const at = (hms: [number, number, number], ms: number) =>
  Date.UTC(2026, 0, 14, ...hms) * 1000 + ms * 1000;

// The UC entry of the seeds' gateway incident, as each format carries it.
const UC_ENTRY = {
  source: 'envoy-access',
  timeUs: at([10, 15, 2], 871),
  errorKind: 'UPSTREAM_RESET',
  responseFlags: ['UC'],
  server: { ip: '10.244.2.9', port: 8080 },
  fields: {
    status: 503,
    method: 'POST',
    path: '/api/v1/orders',
    bytesReceived: 231,
    bytesSent: 95,
    durationMs: 4,
    requestId: '0b8e6c51-3f0d-4a57-9b1e-52c3d7a9e410',
  },
};

describe('envoy access log fixtures', () => {
  it.each([
    ['istio-default-text.txt', 7, 2, 1],
    ['istio-json.txt', 5, 2, 0],
    ['cri-container-log-istio-proxy.txt', 5, 3, 2],
    ['kubectl-logs-istio-proxy-mixed.txt', 7, 9, 8],
  ])('%s: %i entries, the UC one at line %i', (file, count, ucLine, firstLine) => {
    const { value, issues, status } = parse(file);
    expect(status).toBe('parsed');
    expect(issues).toEqual([]);
    expect(value).toHaveLength(count);
    const uc = value.find((e) => e.locator.line === ucLine);
    expect(uc).toMatchObject({
      ...UC_ENTRY,
      client: { ip: '10.244.1.5', port: 43210 },
      fields: {
        ...UC_ENTRY.fields,
        responseCodeDetails: 'upstream_reset_before_response_started{connection_termination}',
        upstreamCluster: 'outbound|8080||orders.shop.svc.cluster.local',
        upstreamLocalAddress: '10.244.1.5:51234',
        downstreamLocalAddress: '10.96.112.40:8080',
      },
    });
    if (firstLine > 0) expect(value[0]?.locator.line).toBe(firstLine);
  });

  it('reads the TCP proxy entry with UF,URX and the transport failure reason', () => {
    const { value } = parse('istio-default-text.txt');
    expect(value[2]).toMatchObject({
      errorKind: 'UPSTREAM_CONNECT_FAILURE',
      responseFlags: ['UF', 'URX'],
      client: { ip: '10.244.1.5', port: 40118 },
      server: { ip: '10.244.2.11', port: 5432 },
      fields: {
        status: 0,
        durationMs: 1,
        upstreamTransportFailureReason: 'delayed_connect_error:_Connection_refused',
      },
    });
    expect(value[2]?.fields).not.toHaveProperty('method');
    expect(value[6]).toMatchObject({
      errorKind: 'DOWNSTREAM_RESET',
      responseFlags: ['DC'],
      fields: { responseCodeDetails: 'downstream_remote_disconnect', durationMs: 2210 },
    });
  });

  it("reads Envoy's default format, which has no downstream address", () => {
    const { value, status } = parse('envoy-default-text.txt');
    expect(status).toBe('parsed');
    expect(value).toHaveLength(10);
    expect(value[1]).toMatchObject(UC_ENTRY);
    expect(value[1]).not.toHaveProperty('client');
    expect(value.map((e) => e.responseFlags?.join(',') ?? '-')).toEqual([
      '-',
      'UC',
      'UF,URX',
      'UF,URX',
      'UT',
      '-',
      'DC',
      'UH',
      'NR',
      'UO',
    ]);
    expect(value.map((e) => e.errorKind ?? '-')).toEqual([
      '-',
      'UPSTREAM_RESET',
      'UPSTREAM_CONNECT_FAILURE',
      'UPSTREAM_CONNECT_FAILURE',
      'ETIMEDOUT',
      '-',
      'DOWNSTREAM_RESET',
      '-',
      '-',
      '-',
    ]);
    expect(value[4]?.fields).toMatchObject({
      forwardedFor: '10.244.0.1',
      protocol: 'HTTP/2',
      status: 504,
    });
    expect(value[7]).not.toHaveProperty('server');
  });
});

describe('envoy access log edge cases', () => {
  it('maps long flag names and camelCase JSON keys', () => {
    const line =
      '{"startTime":"2026-01-14T10:00:00Z","responseCode":503,"responseFlags":"UpstreamConnectionTermination,UpstreamRetryLimitExceeded","upstreamHost":"[fd77::2]:8080","downstreamRemoteAddress":"[fd77::1]:5000"}';
    const { value } = parseText(envoyAccessLogParser, line);
    expect(value[0]).toMatchObject({
      responseFlags: ['UC', 'URX'],
      errorKind: 'UPSTREAM_RESET',
      client: { ip: 'fd77::1', port: 5000 },
      server: { ip: 'fd77::2', port: 8080 },
      fields: { status: 503 },
    });
  });

  it('reports entries that break off and broken JSON, and ignores agent lines', () => {
    const text = [
      '2026-01-14T08:01:17.101009Z\tinfo\tEnvoy proxy is ready',
      '[2026-01-14T10:15:02.871Z] "POST /api/v1/orders HTTP/1.1" 503 UC upstream_reset',
      '{"response_code": 200, "upstream_host": ',
      '{"level":"info","msg":"not an access entry"}',
      'Docker wrapped: {"log":"x"}',
    ].join('\n');
    const { value, issues, status } = parseText(envoyAccessLogParser, text, 'a.log');
    expect(value).toEqual([]);
    expect(issues.map((i) => [i.locator.line, i.code])).toEqual([
      [2, 'UNPARSEABLE_LINE'],
      [3, 'UNPARSEABLE_LINE'],
    ]);
    expect(status).toBe('failed');
  });

  it('reads Docker json-file wrapped entries', () => {
    const inner =
      '[2026-01-14T10:15:02.871Z] \\"POST /api/v1/orders HTTP/1.1\\" 503 UC 231 95 4 - \\"-\\" \\"okhttp/4.12.0\\" \\"id\\" \\"orders:8080\\" \\"10.244.2.9:8080\\"';
    const { value } = parseText(
      envoyAccessLogParser,
      `{"log":"${inner}\\n","stream":"stdout","time":"2026-01-14T10:15:02.872Z"}`,
    );
    expect(value[0]).toMatchObject({
      errorKind: 'UPSTREAM_RESET',
      server: { ip: '10.244.2.9', port: 8080 },
    });
  });
});
