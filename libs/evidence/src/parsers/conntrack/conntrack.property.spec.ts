import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../shared/ip-address.js';
import { parseText, parseTextArtifact, type TextArtifactParser } from '../text-artifact-parser.js';
import { conntrackEventsParser } from './conntrack-events.parser.js';
import { conntrackStatsParser } from './conntrack-stats.parser.js';
import { conntrackTableParser } from './conntrack-table.parser.js';

// Bad input never throws, never hangs, and every complaint points at a line that exists; good
// input, however it is spelled, reads back exactly.

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');

interface Located {
  readonly locator: { readonly line?: number };
}
type Outcome = {
  value: unknown;
  issues: readonly { code: string; locator: { line?: number } }[];
};

const items = (value: unknown): readonly Located[] =>
  Array.isArray(value) ? (value as Located[]) : [];

const SUBJECTS: readonly {
  name: string;
  parser: TextArtifactParser<unknown>;
  fixtures: readonly string[];
}[] = [
  {
    name: 'conntrack-events',
    parser: conntrackEventsParser,
    fixtures: [
      fixture('conntrack-events/E-timestamp-id-client-dnat.txt'),
      fixture('conntrack-events/conntrack-1.4.4-timestamp-destroy-without-timeout.txt'),
      local('E-extended-timestamp-id-ktimestamp.txt'),
    ],
  },
  {
    name: 'conntrack-table',
    parser: conntrackTableParser,
    fixtures: [
      fixture('conntrack-table/proc-nf_conntrack-server.txt'),
      local('L-extended-id-acct-summary-inside-entry.txt'),
    ],
  },
  {
    name: 'conntrack-stats',
    parser: conntrackStatsParser,
    fixtures: [
      fixture('conntrack-stats/conntrack-1.4.4-S-table-full.txt'),
      fixture('conntrack-stats/proc-net-stat-nf_conntrack.txt'),
    ],
  },
];

function expectWellFormed(outcome: Outcome, lines: number): void {
  for (const item of items(outcome.value)) {
    expect(item.locator.line).toBeGreaterThanOrEqual(1);
    expect(item.locator.line).toBeLessThanOrEqual(lines);
  }
  for (const issue of outcome.issues) {
    if (issue.code === 'MORE_ISSUES') continue;
    expect(issue.locator.line).toBeGreaterThanOrEqual(1);
    expect(issue.locator.line).toBeLessThanOrEqual(lines);
  }
}

const lineCount = (text: string) => text.split('\n').length;

const noisyLine = fc.string({
  unit: fc.constantFrom(
    'a',
    '0',
    '9',
    ' ',
    '\t',
    '=',
    '.',
    ':',
    '[',
    ']',
    'src=',
    'dst=',
    'sport=',
    'id=',
    'code=',
    '[NEW]',
    '[DESTROY]',
    'tcp',
    '6',
    'ESTABLISHED',
    'ipv4',
    '[ASSURED]',
    'conntrack v1.4.7 (conntrack-tools): ',
    '\u0000',
    '\uFFFD',
    'é',
    '10.0.0.1',
    'fd00::1',
  ),
  maxLength: 160,
});

function mutate(text: string, line: number, at: number, kind: number, garbage: string): string {
  const lines = text.split('\n');
  const index = line % lines.length;
  const original = lines[index]!;
  const cut = original.length === 0 ? 0 : at % original.length;
  lines[index] = [
    original.slice(0, cut),
    original.slice(0, cut) + garbage + original.slice(cut),
    original.slice(0, cut) + original.slice(cut + 1),
    `${original} ${original}`,
  ][kind % 4]!;
  return lines.join('\n');
}

async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts)
    yield await Promise.resolve(typeof part === 'string' ? new TextEncoder().encode(part) : part);
}

describe.each(SUBJECTS)('$name parser on bad input', ({ parser, fixtures }) => {
  it('never throws on random lines and points every issue at a line', () => {
    fc.assert(
      fc.property(fc.array(noisyLine, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        expectWellFormed(parseText(parser, text), lineCount(text));
      }),
    );
  });

  it('keeps every other item when one line of a real capture is mutated', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.string({
          unit: fc.constantFrom('\u0000', '\uFFFD', ' ', '=', '[', ']', ':', 'x'),
          minLength: 1,
          maxLength: 5,
        }),
        (text, line, at, kind, garbage) => {
          const before = parseText(parser, text);
          const mutated = mutate(text, line, at, kind, garbage);
          const after = parseText(parser, mutated);
          expectWellFormed(after, lineCount(mutated));
          const touched = (line % text.split('\n').length) + 1;
          const kept = new Set(items(after.value).map((item) => item.locator.line));
          for (const item of items(before.value)) {
            // A mutation may split off or merge with the stderr summary of the next line.
            if (Math.abs((item.locator.line ?? 0) - touched) > 1)
              expect(kept.has(item.locator.line)).toBe(true);
          }
        },
      ),
    );
  });

  it('reads binary garbage as text with issues, not exceptions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const outcome = await parseTextArtifact(parser, chunks(bytes), 'garbage.bin');
        expectWellFormed(outcome, outcome.unitsRead);
      }),
      { numRuns: 50 },
    );
  });

  it('skips a multi-megabyte line with LINE_TOO_LONG at its line and reads the rest', async () => {
    const text = fixtures[0]!;
    const newline = text.indexOf('\n');
    const huge = `[1795304774.717708]\t [NEW] tcp 6 120 SYN_SENT ${'mark=1 '.repeat(500_000)}`;
    const outcome = await parseTextArtifact(
      parser,
      chunks(text.slice(0, newline + 1), huge, '\n', text.slice(newline + 1)),
      'big.txt',
      { maxLineBytes: 64 * 1024 },
    );
    expect(outcome.issues[0]).toMatchObject({ code: 'LINE_TOO_LONG', locator: { line: 2 } });
    expect(items(outcome.value)).toHaveLength(items(parseText(parser, text).value).length);
  });

  it('reads multi-megabyte lines of repeated words in linear time', () => {
    const head =
      '[1795304774.717708]\t [NEW] tcp 6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 ';
    for (const word of [
      'mark=1',
      '[',
      '[x]',
      'a',
      '=',
      'conntrack v1.4.7 (conntrack-tools): ',
      'cpu=0',
      '0',
    ]) {
      const line = head + `${word} `.repeat(300_000);
      const started = performance.now();
      const outcome = parseText(parser, `${line}\n${line.replaceAll(' ', '')}\n`);
      expect(performance.now() - started).toBeLessThan(4000);
      expectWellFormed(outcome, 3);
    }
  });
});

// ---- Round trip: any event conntrack-tools could print reads back field for field. ----

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().map((ip) => canonicalIp(ip)!);
const port = fc.integer({ min: 0, max: 65535 });
const tcpStates = fc.constantFrom(
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
);
const counters = fc.option(fc.record({ packets: fc.nat(), bytes: fc.nat() }), { nil: undefined });

const eventArbitrary = fc
  .record({
    type: fc.constantFrom('NEW', 'UPDATE', 'DESTROY'),
    timeUs: fc.option(fc.integer({ min: 1_000_000_000_000_000, max: 2_000_000_000_000_000 }), {
      nil: undefined,
    }),
    extended: fc.boolean(),
    v6: fc.boolean(),
    protocol: fc.constantFrom('tcp', 'udp', 'icmp'),
    timeoutSec: fc.option(fc.integer({ min: 0, max: 432000 }), { nil: undefined }),
    state: tcpStates,
    ports: fc.tuple(port, port, port, port),
    icmp: fc.tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 65535 }),
    ),
    counters: fc.tuple(counters, counters),
    unreplied: fc.boolean(),
    assured: fc.boolean(),
    mark: fc.option(fc.nat(), { nil: undefined }),
    zone: fc.option(fc.nat({ max: 65535 }), { nil: undefined }),
    id: fc.option(fc.nat(), { nil: undefined }),
    userspace: fc.boolean(),
  })
  .chain((event) =>
    fc
      .tuple(
        event.v6 ? ipv6 : ipv4,
        event.v6 ? ipv6 : ipv4,
        event.v6 ? ipv6 : ipv4,
        event.v6 ? ipv6 : ipv4,
      )
      .map((addresses) => ({ ...event, addresses })),
  );

type GeneratedEvent = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never;

function printEvent(event: GeneratedEvent): string {
  const protocol = event.protocol === 'icmp' && event.v6 ? 'icmpv6' : event.protocol;
  const number = { tcp: 6, udp: 17, icmp: event.v6 ? 58 : 1, icmpv6: 58 }[protocol];
  const [a, b, c, d] = event.addresses;
  const [sport, dport, rsport, rdport] = event.ports;
  const [type, code, echo] = event.icmp;
  const layer4 = (from: number, to: number) =>
    event.protocol === 'icmp'
      ? `type=${type} code=${code} id=${echo}`
      : `sport=${from} dport=${to}`;
  const count = (c?: { packets: number; bytes: number }) =>
    c ? ` packets=${c.packets} bytes=${c.bytes}` : '';
  const time =
    event.timeUs === undefined
      ? ''
      : `[${Math.floor(event.timeUs / 1e6)}.${String(event.timeUs % 1e6).padStart(6, '0')}]\t`;
  return [
    `${time}${`[${event.type}]`.padStart(9)} `,
    event.extended ? `${event.v6 ? 'ipv6     10' : 'ipv4     2'} ` : '',
    `${protocol.padEnd(8)} ${number} `,
    event.timeoutSec === undefined ? '' : `${event.timeoutSec} `,
    event.protocol === 'tcp' ? `${event.state} ` : '',
    `src=${a} dst=${b} ${layer4(sport, dport)}${count(event.counters[0])}`,
    event.unreplied ? ' [UNREPLIED]' : '',
    ` src=${c} dst=${d} ${layer4(rsport, rdport)}${count(event.counters[1])}`,
    event.assured ? ' [ASSURED]' : '',
    event.mark === undefined ? '' : ` mark=${event.mark}`,
    event.zone === undefined ? '' : ` zone=${event.zone}`,
    event.id === undefined ? '' : ` id=${event.id}`,
    event.userspace ? ' [USERSPACE] portid=13717 progname=conntrack' : '',
  ].join('');
}

describe('conntrack -E round trip', () => {
  it('reads back every field of any printed event', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const outcome = parseText(conntrackEventsParser, printEvent(event));
        expect(outcome.issues).toEqual([]);
        const [a, b, c, d] = event.addresses;
        const [sport, dport, rsport, rdport] = event.ports;
        const [type, code, echo] = event.icmp;
        const icmp = { type, code, id: echo };
        const tuple = (src: string, dst: string, from: number, to: number) =>
          event.protocol === 'icmp' ? { src, dst, icmp } : { src, dst, srcPort: from, dstPort: to };
        const [original, reply] = event.counters;
        expect(outcome.value[0]).toEqual({
          locator: { artifact: 'input.txt', line: 1 },
          type: event.type,
          timeUs: event.timeUs,
          family: event.v6 ? 'ipv6' : 'ipv4',
          protocol: event.protocol === 'icmp' && event.v6 ? 'icmpv6' : event.protocol,
          protocolNumber:
            event.protocol === 'tcp' ? 6 : event.protocol === 'udp' ? 17 : event.v6 ? 58 : 1,
          timeoutSec: event.timeoutSec,
          tcpState: event.protocol === 'tcp' ? event.state : undefined,
          original: tuple(a, b, sport, dport),
          reply: tuple(c, d, rsport, rdport),
          assured: event.assured,
          unreplied: event.unreplied,
          mark: event.mark,
          zone: event.zone,
          use: undefined,
          id: event.id,
          counters: original || reply ? { original, reply } : undefined,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same entry from an event line and from the listing line under it', () => {
    fc.assert(
      fc.property(eventArbitrary, (event) => {
        const line = printEvent(event);
        const listing = line.slice(
          line.indexOf(']', event.timeUs === undefined ? 0 : line.indexOf('\t')) + 2,
        );
        const fromEvent = parseText(conntrackEventsParser, line).value[0]!;
        const fromTable = parseText(conntrackTableParser, listing).value[0]!;
        const { type: _type, timeUs: _time, ...entry } = fromEvent;
        expect(fromTable).toEqual(entry);
      }),
    );
  });
});
