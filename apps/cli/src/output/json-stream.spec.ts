import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonObjectWriter, writeJsonObject } from './json-stream.js';

async function render(document: Record<string, unknown>): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeJsonObject(out, document);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe(writeJsonObject.name, () => {
  it('should write exactly what JSON.stringify would, element by element', async () => {
    const document = {
      artifacts: [{ path: 'a', kind: 'ss' }],
      flows: [],
      counts: { sockets: 2 },
      skipped: undefined,
      text: 'x"y',
    };
    expect(JSON.parse(await render(document))).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('should stream a large array without losing or reordering elements', async () => {
    const flows = Array.from({ length: 20_000 }, (_, index) => ({
      id: `f#${index}`,
      packets: index,
    }));
    const parsed = JSON.parse(await render({ flows })) as { flows: { id: string }[] };
    expect(parsed.flows).toHaveLength(20_000);
    expect(parsed.flows[19_999]?.id).toBe('f#19999');
  });

  it('should interleave streamed array items and later fields into one valid object', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sut = new JsonObjectWriter(out);
    sut.beginArray('flows');
    for (let index = 0; index < 5000; index += 1) sut.item({ id: index });
    await sut.field('artifacts', [{ path: 'a.pcap' }]);
    await sut.field('captures', []);
    await sut.end();
    out.end();
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      flows: unknown[];
      artifacts: unknown[];
      captures: unknown[];
    };
    expect(parsed.flows).toHaveLength(5000);
    expect(parsed.artifacts).toEqual([{ path: 'a.pcap' }]);
    expect(parsed.captures).toEqual([]);
  });
});
