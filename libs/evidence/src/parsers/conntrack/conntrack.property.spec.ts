import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../shared/ip-address.js';
import {
  describeHostileInput,
  expectLinesInRange,
  itemLines,
  lineMutation,
  mutateLine,
  type HostileInputSubject,
} from '../shared/testing/hostile-input.kit.js';
import { parseText } from '../text-artifact-parser.js';
import { conntrackEventsParser } from './conntrack-events.parser.js';
import { conntrackStatsParser } from './conntrack-stats.parser.js';
import { conntrackTableParser } from './conntrack-table.parser.js';

// Bad input never throws, never hangs, and every complaint points at a line that exists; good
// input, however it is spelled, reads back exactly.

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');

const VOCABULARY = [
  '[',
  ']',
  '=',
  ':',
  '.',
  'src=',
  'dst=',
  'sport=',
  'dport=',
  'tcp',
  '6',
  '[NEW]',
  '[DESTROY]',
  '[UNREPLIED]',
  '[ASSURED]',
  'ESTABLISHED',
  'mark=',
  'zone=',
  'cpu=',
  'conntrack v1.4.7 (conntrack-tools): ',
];
const PATHOLOGICAL = [
  'mark=1',
  '[',
  '[x]',
  'a',
  '=',
  'conntrack v1.4.7 (conntrack-tools): ',
  'cpu=0',
  '0',
];
const EVENT_HEAD =
  '[1795304774.717708]\t [NEW] tcp 6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 ';

const SUBJECTS: readonly HostileInputSubject[] = [
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
].map((subject) => ({
  ...subject,
  linesIn: itemLines,
  vocabulary: VOCABULARY,
  pathologicalWords: PATHOLOGICAL,
  pathologicalPrefix: EVENT_HEAD,
}));

describeHostileInput(SUBJECTS);

describe.each(SUBJECTS)('$name parser on one damaged line', (subject) => {
  it('keeps every other item when one line of a real capture is mutated', () => {
    fc.assert(
      fc.property(fc.constantFrom(...subject.fixtures), lineMutation, (text, change) => {
        const before = parseText(subject.parser, text);
        const mutated = mutateLine(text, change);
        const after = parseText(subject.parser, mutated);
        expectLinesInRange(subject, after, mutated.split('\n').length);
        const touched = (change.line % text.split('\n').length) + 1;
        const kept = new Set(itemLines(after.value));
        for (const line of itemLines(before.value)) {
          // A mutation may split off or merge with the stderr summary of the next line.
          if (Math.abs(line - touched) > 1) expect(kept.has(line)).toBe(true);
        }
      }),
    );
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
