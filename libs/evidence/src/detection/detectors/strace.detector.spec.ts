import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectStrace } from './strace.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const folder = new URL('../__fixtures__/strace/', import.meta.url);

describe('detectStrace', () => {
  it.each(readdirSync(folder))('recognises %s', (file) => {
    const detection = detectStrace(sampleText(new Uint8Array(readFileSync(new URL(file, folder)))));
    expect(detection?.kind).toBe('strace');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    [
      '-f on a terminal',
      '[pid  9940] 23:42:19.677030 connect(3, {sa_family=AF_INET, sin_port=htons(15009)}, 16) = -1 EINPROGRESS (Operation now in progress)',
    ],
    ['-f -o', '9952  23:42:21.777158 connect(5, {sa_family=AF_INET}, 16) = 0'],
    [
      '-ttt',
      '1795304541.730544 recvfrom(3, 0x7f36f8932180, 100, 0, NULL, NULL) = -1 ECONNRESET (Connection reset by peer)',
    ],
    ['-T', '23:42:19.660435 read(3, "hello", 832) = 5 <0.000058>'],
    ['no timestamps', 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'],
    ['unfinished', '[pid  9941] 23:42:19.665831 read(3,  <unfinished ...>'],
  ])('reads the %s form', (_, line) => {
    expect(detectStrace(sample(`${line}\n`))?.kind).toBe('strace');
  });

  it('accepts a start made only of strace notes, exits and signals', () => {
    const text =
      'strace: Process 13600 attached\n[pid 13600] 23:46:20.518809 +++ exited with 0 +++\n23:46:20.518855 --- SIGCHLD {si_signo=SIGCHLD} ---\n';
    expect(detectStrace(sample(text))?.kind).toBe('strace');
  });

  it('ignores code and prose with parentheses', () => {
    expect(detectStrace(sample('result = compute(x) + 1\nprint(result)\n'))).toBeUndefined();
  });
});
