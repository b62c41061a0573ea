import { describe, expect, it } from 'vitest';
import { unwrapLogLine } from './log-envelope.js';

describe('unwrapLogLine', () => {
  it.each([
    ['CRI file format', '2026-01-14T10:15:01.114012887Z stdout F [access] line', '[access] line'],
    ['CRI partial line', '2026-01-14T10:15:01.1+00:00 stderr P part', 'part'],
    [
      'kubectl logs --timestamps',
      '2026-01-14T10:15:01.114012887Z {"start_time":1}',
      '{"start_time":1}',
    ],
    [
      'Docker json-file',
      '{"log":"[x] \\"GET\\"\\tok\\n","stream":"stdout","time":"2026-01-14T10:15:01Z"}',
      '[x] "GET"\tok',
    ],
    [
      'old Istio epoch prefix',
      '[Envoy (Epoch 0)] [2019-11-04 21:07:14.148][20][debug][connection] x',
      '[2019-11-04 21:07:14.148][20][debug][connection] x',
    ],
  ])('removes the %s envelope', (_, line, inner) => {
    expect(unwrapLogLine(line)).toBe(inner);
  });

  it("leaves Istio's own tab-separated timestamps and ordinary lines alone", () => {
    const istio = '2026-01-14T10:15:02.866418Z\tdebug\tenvoy connection closing';
    expect(unwrapLogLine(istio)).toBe(istio);
    expect(unwrapLogLine('ESTAB 0 0 a:1 b:2')).toBe('ESTAB 0 0 a:1 b:2');
    expect(unwrapLogLine('{"log":"unterminated')).toBe('{"log":"unterminated');
  });
});
