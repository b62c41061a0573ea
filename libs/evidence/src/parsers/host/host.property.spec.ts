import { readFileSync } from 'node:fs';
import {
  describeHostileInput,
  type HostileInputSubject,
} from '../shared/testing/hostile-input.kit.js';
import { netCountersParser } from './net-counters.parser.js';
import { sysctlParser } from './sysctl.parser.js';
import { unameParser } from './uname.parser.js';

const fixture = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');

/** Line numbers the value gives: its own locator and, for sysctl, the line of every key. */
function linesIn(value: unknown): number[] {
  if (typeof value !== 'object' || value === null) return [];
  const { locator, lines } = value as {
    locator?: { line?: number };
    lines?: Record<string, number>;
  };
  return [...(locator?.line === undefined ? [] : [locator.line]), ...Object.values(lines ?? {})];
}

const VOCABULARY = [
  '=',
  ' = ',
  '.',
  ':',
  '/',
  '-',
  '#',
  '{',
  '}',
  '"',
  'Tcp:',
  'TcpExt',
  '/proc/sys/',
  '==> ',
  ' <==',
  'Linux ',
  '6.1.0',
  'sysctl: ',
];
const PATHOLOGICAL = ['a.b=1', 'Tcp: 1', '==>', ':', '/proc/sys/a', '1 ', 'Tcp:', '{'];

describeHostileInput(
  [
    {
      name: 'sysctl',
      parser: sysctlParser,
      fixtures: [
        fixture('sysctl/net-in-netns.txt'),
        fixture('sysctl/proc-sys-grep.txt'),
        fixture('sysctl/picked-keys-with-missing-key.txt'),
      ],
    },
    {
      name: 'uname',
      parser: unameParser,
      fixtures: [
        fixture('uname/gke-cos.txt'),
        fixture('uname/proc-version-debian.txt'),
        fixture('uname/r-release-only.txt'),
      ],
    },
    {
      name: 'net-counters',
      parser: netCountersParser,
      fixtures: [
        fixture('net-counters/netstat-s-server-listen-overflow-abort-on-close.txt'),
        fixture('net-counters/proc-net-netstat-server.txt'),
        fixture('net-counters/nstat-a-server.txt'),
      ],
    },
  ].map((subject): HostileInputSubject => ({
    ...subject,
    linesIn,
    vocabulary: VOCABULARY,
    pathologicalWords: PATHOLOGICAL,
  })),
);
