import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, parseTextArtifact } from '../text-artifact-parser.js';
import { manifestParser, MAX_MANIFEST_BYTES } from './manifest.parser.js';
import { shellWords } from './shell-words.js';

const root = new URL('../../detection/__fixtures__/manifest/', import.meta.url);
const parse = (file: string) =>
  parseText(manifestParser, readFileSync(new URL(file, root), 'utf8'), file);
const FIXTURES = [
  'collector-json.txt',
  'collector-minified.txt',
  'collector-yaml.txt',
  'hand-written-commands-json.txt',
  'hand-written-commands-yaml.txt',
];

describe('manifest fixtures', () => {
  it.each(['collector-json.txt', 'collector-yaml.txt'])('%s: the collector manifest', (file) => {
    const { value, status, issues } = parse(file);
    expect(status).toBe('parsed');
    expect(issues).toEqual([]);
    expect(value).toMatchObject({
      locator: { artifact: file, line: 1 },
      collectedAt: '2026-01-14T10:25:00Z',
      host: 'node-1',
      networkNamespace: 'pod:shop/orders-7d9f8b6c5-x2x7q',
    });
    expect(value.commands[0]).toEqual({
      argv: ['ss', '-tanoie'],
      file: 'ss.txt',
      exitCode: 0,
      tool: 'iproute2',
      version: 'ss utility, iproute2-6.1.0',
    });
    expect(value.commands[1]?.argv).toEqual(['conntrack', '-L']);
  });

  it('the JSON manifest lists all six commands', () => {
    const { value } = parse('collector-json.txt');
    expect(value.commands.map((c) => c.argv.join(' '))).toEqual([
      'ss -tanoie',
      'conntrack -L',
      'conntrack -E -o timestamp',
      'iptables-save',
      'sysctl net',
      'tcpdump -i any -w capture.pcap',
    ]);
  });

  it('a minified manifest without a scope', () => {
    const { value } = parse('collector-minified.txt');
    expect(value).toEqual({
      locator: { artifact: 'collector-minified.txt', line: 1 },
      collectedAt: '2026-01-14T10:25:00Z',
      commands: [
        {
          argv: ['ss', '-tan'],
          file: 'ss.txt',
          exitCode: 0,
          version: 'ss utility, iproute2-6.1.0',
        },
      ],
    });
  });

  it.each(['hand-written-commands-json.txt', 'hand-written-commands-yaml.txt'])(
    '%s: command strings split into argv',
    (file) => {
      const { value, status } = parse(file);
      expect(status).toBe('parsed');
      expect(value.host).toBe('node-1');
      expect(value.commands).toEqual([
        { argv: ['ss', '-tanoie'], file: 'ss.txt', version: 'ss utility, iproute2-5.10.0' },
        {
          argv: ['conntrack', '-L'],
          file: 'ct.txt',
          version: 'conntrack v1.4.6 (conntrack-tools)',
        },
        { argv: ['iptables-save'], file: 'rules.txt', version: 'iptables v1.8.7 (legacy)' },
      ]);
    },
  );
});

describe('manifest edge cases', () => {
  it('names the line of a syntax error', () => {
    const { status, issues } = parseText(
      manifestParser,
      '{\n  "host": "n",\n  "commands": [\n    {"cmd": "ss"\n',
      'm.json',
    );
    expect(status).toBe('failed');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'UNPARSEABLE_MANIFEST',
      locator: { artifact: 'm.json' },
    });
    expect(issues[0]?.locator.line).toBeGreaterThanOrEqual(4);
  });

  it('keeps the readable commands and names the line of the others', () => {
    const text =
      'host: n\ncommands:\n  - cmd: ss -tan\n  - 42\n  - argv: [conntrack, -S]\n    rc: "1"\n';
    const { value, issues, status } = parseText(manifestParser, text, 'm.yaml');
    expect(status).toBe('partial');
    expect(value.commands).toEqual([
      { argv: ['ss', '-tan'] },
      { argv: ['conntrack', '-S'], exitCode: 1 },
    ]);
    expect(issues).toEqual([
      {
        locator: { artifact: 'm.yaml', line: 4 },
        code: 'UNREADABLE_COMMAND',
        message: 'commands[1] names no command',
      },
    ]);
  });

  it('refuses a manifest past the size cap without holding it', async () => {
    const line = `"${'x'.repeat(1000)}",\n`;
    async function* chunks() {
      yield await Promise.resolve(new TextEncoder().encode('{"commands": [\n'));
      for (let i = 0; i < MAX_MANIFEST_BYTES / line.length + 10; i += 1)
        yield new TextEncoder().encode(line);
    }
    const outcome = await parseTextArtifact(manifestParser, chunks(), 'huge.json');
    expect(outcome.status).toBe('failed');
    expect(outcome.issues).toEqual([
      {
        locator: { artifact: 'huge.json', line: expect.any(Number) as number },
        code: 'TOO_LARGE',
        message: expect.any(String) as string,
      },
    ]);
  });

  it('splits shell words with quotes', () => {
    expect(shellWords(`ss -tn state established '( dport = :443 )' "a b\\"c"`)).toEqual([
      'ss',
      '-tn',
      'state',
      'established',
      '( dport = :443 )',
      'a b"c',
    ]);
  });
});

describe('manifest parser under hostile input', () => {
  const corpus = FIXTURES.map((f) => readFileSync(new URL(f, root), 'utf8'));

  it('never throws on arbitrary or mutated text and keeps issue lines in range', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...corpus),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 5 }),
      )
      .map(([source, cut, flips]) => {
        let text = source.slice(0, cut % (source.length + 1));
        for (const [at, s] of flips) {
          const pos = at % (text.length + 1);
          text = text.slice(0, pos) + s + text.slice(pos + s.length);
        }
        return text;
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated), (text) => {
        const outcome = parseText(manifestParser, text, 'fuzz.yaml');
        expect(['parsed', 'partial', 'failed']).toContain(outcome.status);
        for (const issue of outcome.issues) {
          expect(issue.locator.line).toBeGreaterThanOrEqual(1);
          expect(issue.locator.line).toBeLessThanOrEqual(Math.max(1, outcome.unitsRead));
        }
        for (const command of outcome.value.commands)
          expect(command.argv.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a binary line at its number, and a multi-megabyte line', async () => {
    const withGarbage = corpus[2]?.replace('\n', '\n\u0000\u0001\u0002 x\n') ?? '';
    expect(parseText(manifestParser, withGarbage, 'g.yaml').issues[0]).toMatchObject({
      locator: { line: 2 },
      code: 'BINARY_DATA',
    });
    async function* chunks() {
      yield await Promise.resolve(
        new TextEncoder().encode(
          `host: n\nnote: ${'x'.repeat(3 * 1024 * 1024)}\ncommands:\n  - cmd: ss\n`,
        ),
      );
    }
    const outcome = await parseTextArtifact(manifestParser, chunks(), 'big.yaml', {
      maxLineBytes: 64 * 1024,
    });
    expect(outcome.issues).toContainEqual({
      locator: { artifact: 'big.yaml', line: 2 },
      code: 'LINE_TOO_LONG',
      message: expect.any(String) as string,
    });
    expect(outcome.value.commands).toEqual([{ argv: ['ss'] }]);
  });
});
