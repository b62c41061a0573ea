import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleText } from '../text-sample.js';
import { detectUname } from './uname.detector.js';

const sample = (text: string) => sampleText(new TextEncoder().encode(text));
const folder = new URL('../__fixtures__/uname/', import.meta.url);

describe('detectUname', () => {
  it.each(readdirSync(folder).filter((file) => !file.startsWith('r-')))('recognises %s', (file) => {
    const detection = detectUname(sampleText(new Uint8Array(readFileSync(new URL(file, folder)))));
    expect(detection?.kind).toBe('uname');
    expect(detection?.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('takes a bare release (uname -r) as a weak candidate, but not any version number', () => {
    expect(detectUname(sample('5.15.0-1071-azure\n'))?.confidence).toBe(0.4);
    expect(detectUname(sample('6.1.100+\n'))?.kind).toBe('uname');
    expect(detectUname(sample('1.2.3\n'))).toBeUndefined();
    expect(detectUname(sample('3.2.1\n'))).toBeUndefined();
  });

  it('is less sure when the line comes with company', () => {
    const detection = detectUname(
      sample(
        'Linux node-1 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64 GNU/Linux\nnode-1\n',
      ),
    );
    expect(detection?.confidence).toBe(0.85);
  });

  it('leaves a dmesg that starts with "Linux version" alone', () => {
    const dmesg = readFileSync(
      new URL('../__fixtures__/dmesg/iso-time-format.txt', import.meta.url),
      'utf8',
    ).replace(/^\S+ /gm, '');
    expect(detectUname(sample(dmesg))).toBeUndefined();
  });

  it('does not backtrack on a long line that almost matches', () => {
    const line = `Linux n 6.1 #1 ${'x86_64 '.repeat(500)}Linu`;
    const started = performance.now();
    expect(detectUname(sample(line))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});
