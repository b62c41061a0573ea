import type { EvidenceSet, KernelInfo } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import type { TextArtifactParser } from '../parsers/text-artifact-parser.js';
import { EvidenceCollector } from './evidence-collector.js';
import { textArtifactHandler } from './text-artifact.handler.js';

function streamOf(text: string, chunk = 7): AsyncIterable<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return (async function* () {
    for (let i = 0; i < bytes.length; i += chunk)
      yield await Promise.resolve(bytes.subarray(i, i + chunk));
  })();
}

// A deliberately small parser: first line is `Linux <host> <release> …`; anything else is an issue.
const unameLike: TextArtifactParser<KernelInfo | null> = {
  kinds: ['uname'],
  isEmpty: (value) => value === null,
  start: ({ artifact, issues }) => {
    let info: KernelInfo | null = null;
    return {
      line(text, lineNumber) {
        const [os, hostname, release] = text.split(' ');
        if (os === 'Linux' && hostname && release) {
          info = {
            locator: { artifact, line: lineNumber },
            release,
            version: [6, 1, 0],
            hostname,
            raw: text,
          };
        } else if (text) issues.atLine(lineNumber, 'UNPARSEABLE_LINE', `not uname output: ${text}`);
      },
      finish: () => info,
    };
  },
};

function collector(): EvidenceCollector {
  return new EvidenceCollector({
    handlers: [
      textArtifactHandler(
        ['uname'],
        () => Promise.resolve(unameLike),
        (value, evidence: EvidenceSet) => {
          if (value) evidence.kernels.push(value);
        },
      ),
    ],
  });
}

describe(EvidenceCollector.name, () => {
  it('should detect the kind from content, parse it and keep the value with its locator', async () => {
    const sut = collector();
    const text =
      'Linux node-a 6.1.0-27-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01) x86_64 GNU/Linux\n';
    const report = await sut.add({
      path: 'info/whatever.bin',
      sizeBytes: text.length,
      stream: streamOf(text),
    });
    expect(report).toMatchObject({ kind: 'uname', status: 'parsed', unitsRead: 1 });
    expect(sut.finish().kernels).toEqual([
      expect.objectContaining({
        release: '6.1.0-27-amd64',
        locator: { artifact: 'info/whatever.bin', line: 1 },
      }),
    ]);
  });

  it('should report the first problem with its locator and keep going', async () => {
    const sut = collector();
    const report = await sut.add({
      path: 'u.txt',
      kind: 'uname',
      sizeBytes: 10,
      stream: streamOf('garbage here\nLinux n 6.6.1 x\n'),
    });
    expect(report).toMatchObject({
      status: 'partial',
      error: 'not uname output: garbage here',
      errorLocator: 'u.txt:1',
    });
  });

  it('should skip kinds nobody reads, consuming their bytes', async () => {
    const sut = collector();
    let consumed = 0;
    const stream = (async function* () {
      for (let i = 0; i < 3; i += 1) {
        consumed += 1;
        yield await Promise.resolve(new Uint8Array([0, 1, 2, 255]));
      }
    })();
    const report = await sut.add({ path: 'blob.bin', sizeBytes: 12, stream });
    expect(report).toMatchObject({ kind: 'unknown', status: 'skipped' });
    expect(consumed).toBe(3);
  });

  it('should keep a parser crash to its artifact', async () => {
    const sut = new EvidenceCollector({
      handlers: [{ kinds: ['uname'], read: () => Promise.reject(new Error('boom')) }],
    });
    const report = await sut.add({
      path: 'u.txt',
      kind: 'uname',
      sizeBytes: 1,
      stream: streamOf('x'),
    });
    expect(report).toMatchObject({ status: 'failed', error: 'the uname parser failed: boom' });
  });
});
