import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectAppLog } from './app-log.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const folder = new URL('../__fixtures__/app-log/', import.meta.url);

describe('detectAppLog', () => {
  it.each(readdirSync(folder))('recognises %s, with its network failures', (file) => {
    const detection = detectAppLog(sampleText(new Uint8Array(readFileSync(new URL(file, folder)))));
    expect(detection?.kind).toBe('app-log');
    expect(detection?.reason).toMatch(/mention network failures/);
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it.each([
    'E0114 10:21:07.415872   48213 portforward.go:233] lost connection to pod',
    'error copying from remote stream to local connection: readfrom tcp4 127.0.0.1:5432->127.0.0.1:50430: write tcp4 127.0.0.1:5432->127.0.0.1:50430: write: broken pipe',
    'Error: connect ETIMEDOUT 10.0.0.5:5432',
    'Caused by: java.net.SocketException: Connection reset',
  ])('counts a network failure in: %s', (line) => {
    expect(detectAppLog(sample(`${line}\n`))?.reason).toMatch(/1 mention network failures/);
  });

  it('stays below the structured kinds even for a perfect log', () => {
    const log =
      '2026/01/14 10:21:07 read tcp 10.0.0.1:1->10.0.0.2:2: read: connection reset by peer\n'.repeat(
        20,
      );
    expect(detectAppLog(sample(log))?.confidence).toBe(0.85);
  });

  it('is less sure of a log without network failures', () => {
    expect(
      detectAppLog(sample('2026-01-14 10:21:07 INFO started\n2026-01-14 10:21:08 INFO ready\n'))
        ?.confidence,
    ).toBe(0.65);
  });

  it('does not read netstat -s counters as failures', () => {
    expect(detectAppLog(sample('Tcp:\n    1 connection resets received\n'))).toBeUndefined();
  });

  it('offers prose that only mentions failures as a weak candidate', () => {
    expect(
      detectAppLog(sample('We saw connection reset by peer in the client.\n'))?.confidence,
    ).toBe(0.25);
  });
});
