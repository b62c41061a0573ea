import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { envoyDebugLogParser } from './envoy-debug-log.parser.js';

const root = new URL('../../detection/__fixtures__/envoy-debug-log/', import.meta.url);
const parse = (file: string) =>
  parseText(envoyDebugLogParser, readFileSync(new URL(file, root), 'utf8'), file);

describe('envoy debug log fixtures', () => {
  it("follows the upstream connection's life in Envoy's native format", () => {
    const { value, status, issues } = parse('envoy-native-debug.txt');
    expect(status).toBe('parsed');
    expect(issues).toEqual([]);
    // Header dump lines and connection-less pool chatter are not events.
    expect(value.map((e) => e.locator.line)).toEqual([
      1, 2, 3, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 26, 27, 28,
    ]);
    expect(value[0]).toMatchObject({
      level: 'debug',
      client: { ip: '10.244.1.5', port: 43210 },
      fields: { event: 'new-connection', connectionId: 4711, thread: 23 },
    });
    expect(value[4]).toMatchObject({
      server: { ip: '10.244.2.9', port: 8080 },
      fields: { event: 'connecting', connectionId: 4712 },
    });
    expect(value[7]).toMatchObject({
      message: 'remote close',
      fields: { event: 'remote-close', connectionId: 4712, logger: 'connection' },
    });
    expect(value[8]?.fields).toMatchObject({ event: 'close', closeType: 'FlushWrite' });
    expect(value[10]).toMatchObject({
      timeUs: Date.UTC(2026, 0, 14, 10, 15, 2) * 1000 + 870_000,
      errorKind: 'UPSTREAM_RESET',
      fields: {
        resetReason: 'connection termination',
        connectionId: 4711,
        streamId: '1539823411834556123',
      },
    });
    expect(value[13]?.fields).toMatchObject({ event: 'remote-early-close', connectionId: 4711 });
  });

  it('reads the tcp_proxy half-close and idle timeout', () => {
    const { value } = parse('envoy-native-trace-tcp-proxy.txt');
    expect(value).toHaveLength(13);
    expect(value[7]).toMatchObject({ fields: { event: 'half-close', connectionId: 5119 } });
    expect(value[10]).toMatchObject({
      errorKind: 'IDLE_TIMEOUT',
      timeUs: Date.UTC(2026, 0, 14, 11, 21, 6) * 1000 + 4000,
      fields: { connectionId: 5121 },
    });
    expect(value[12]?.fields).toMatchObject({ event: 'close', closeType: 'NoFlush' });
  });

  it.each([
    [
      'istio-proxy-modern.txt',
      8,
      {
        line: 8,
        timeUs: Date.UTC(2026, 0, 14, 10, 15, 2) * 1000 + 870_455,
        connectionId: 4711,
        thread: 23,
      },
    ],
    [
      'istio-1.5-format.txt',
      4,
      { line: 6, timeUs: Date.UTC(2020, 3, 7, 16, 58, 41) * 1000 + 100_276, connectionId: 41 },
    ],
  ])('%s: Istio rewrites', (file, count, reset) => {
    const { value, status } = parse(file);
    expect(status).toBe('parsed');
    expect(value).toHaveLength(count);
    const event = value.find(
      (e) => e.errorKind === 'UPSTREAM_RESET' && e.fields?.event === 'upstream-reset',
    );
    expect(event).toMatchObject({
      locator: { line: reset.line },
      timeUs: reset.timeUs,
      fields: { connectionId: reset.connectionId },
    });
    if ('thread' in reset) expect(event?.fields?.thread).toBe(reset.thread);
  });

  it("reads Istio 1.3's epoch-prefixed lines", () => {
    const { value } = parse('istio-1.3-epoch-prefix.txt');
    expect(value.map((e) => e.fields?.event)).toEqual([
      'close-requested',
      'close',
      'client-disconnected',
    ]);
    expect(value[1]).toMatchObject({
      timeUs: Date.UTC(2019, 10, 4, 21, 7, 15) * 1000 + 3000,
      fields: { connectionId: 42, closeType: 'NoFlush' },
    });
  });
});

describe('envoy debug log edge cases', () => {
  it('classifies socket errors and reports a broken prefix', () => {
    const text = [
      '[2026-01-14 10:15:02.870][23][debug][connection] [source/common/network/connection_impl.cc:700] [C9] read error: Connection reset by peer, code: 9',
      '[2026-01-14 10:15:02.870][23]broken',
      '[2026-01-14 10:15:02.871][23][debug][pool] [x.cc:1] [C10] delayed connect error: 111',
    ].join('\n');
    const { value, issues } = parseText(envoyDebugLogParser, text, 'd.log');
    expect(value.map((e) => e.errorKind)).toEqual(['ECONNRESET', 'ECONNREFUSED']);
    expect(issues).toEqual([
      {
        locator: { artifact: 'd.log', line: 2 },
        code: 'UNPARSEABLE_LINE',
        message: expect.any(String) as string,
      },
    ]);
  });
});
