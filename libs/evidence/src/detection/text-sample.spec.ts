import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, MAX_SAMPLED_BYTES, MAX_SAMPLED_LINES, sampleText } from './text-sample.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('sampleText', () => {
  it('keeps non-blank lines without trailing whitespace or CR', () => {
    expect(sampleText(utf8('a  \r\n\n   \nb\t\n')).lines).toEqual(['a', 'b']);
  });

  it('keeps leading whitespace, which some formats use for continuation lines', () => {
    expect(sampleText(utf8('ESTAB 0 0 a:1 b:2\n\t cubic rto:204\n')).lines[1]).toBe(
      '\t cubic rto:204',
    );
  });

  it('drops an unfinished last line, even one cut inside a UTF-8 character', () => {
    const bytes = utf8('first line\nsecond 连接');
    const sample = sampleText(bytes.subarray(0, bytes.length - 1));
    expect(sample.lines).toEqual(['first line']);
    expect(sample.droppedPartialLine).toBe(true);
  });

  it('keeps the only line when there is no newline at all', () => {
    const sample = sampleText(utf8('Linux node-1 6.1.0-26-amd64 #1 SMP x86_64 GNU/Linux'));
    expect(sample.lines).toHaveLength(1);
    expect(sample.droppedPartialLine).toBe(false);
  });

  it('strips a byte-order mark', () => {
    expect(sampleText(utf8('\ufeff*nat\n')).lines[0]).toBe('*nat');
  });

  it('bounds lines, line length and bytes', () => {
    expect(sampleText(utf8('x\n'.repeat(1000))).lines).toHaveLength(MAX_SAMPLED_LINES);
    expect(sampleText(utf8(`${'y'.repeat(10_000)}\n`)).lines[0]).toHaveLength(MAX_LINE_CHARS);
    expect(sampleText(utf8(`${'w'.repeat(99)}\n`.repeat(1000))).text.length).toBeLessThanOrEqual(
      MAX_SAMPLED_BYTES,
    );
  });

  it('unwraps container-log envelopes into contentLines only', () => {
    const sample = sampleText(
      utf8(
        '2026-01-14T10:15:01.114012887Z stdout F [2026-01-14T10:15:01.113Z] "GET / HTTP/1.1" 200\n',
      ),
    );
    expect(sample.lines[0]).toMatch(/^2026-01-14T10:15:01\.114012887Z stdout F /);
    expect(sample.contentLines[0]).toMatch(/^\[2026-01-14T10:15:01\.113Z\] "GET/);
  });

  it('reads the top-level keys of a JSON document', () => {
    expect([...(sampleText(utf8('{"kind": "netmortem-manifest"}')).json?.keys ?? [])]).toEqual([
      'kind',
    ]);
    expect(sampleText(utf8('kind: netmortem-manifest\n')).json).toBeUndefined();
  });
});
