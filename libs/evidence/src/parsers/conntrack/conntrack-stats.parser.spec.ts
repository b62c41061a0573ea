import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { conntrackStatsParser } from './conntrack-stats.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const local = (path: string) =>
  readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(conntrackStatsParser, text, 'stats.txt');

describe('conntrackStatsParser', () => {
  it('reads conntrack -S of conntrack-tools 1.4.7', () => {
    const outcome = parse(shared('conntrack-stats/S.txt'));
    expect(outcome.issues).toEqual([]);
    expect(outcome.value.perCpu.map((row) => row.cpu)).toEqual([0, 1]);
    expect(outcome.value.perCpu[0]?.counters).toEqual({
      found: 0,
      invalid: 0,
      insert: 0,
      insert_failed: 0,
      drop: 0,
      early_drop: 0,
      error: 0,
      search_restart: 0,
      clash_resolve: 0,
      chaintoolong: 0,
    });
    expect(outcome.value.entries).toBeUndefined();
    expect(outcome.value.locator).toEqual({ artifact: 'stats.txt', line: 1 });
  });

  it('sums a full table’s insert_failed and drop over the CPUs (1.4.4 layout)', () => {
    const { value, issues } = parse(shared('conntrack-stats/conntrack-1.4.4-S-table-full.txt'));
    expect(issues).toEqual([]);
    expect(value.perCpu).toHaveLength(4);
    expect(value.perCpu[2]?.counters).toMatchObject({ searched: 0, found: 1802977, ignore: 215 });
    expect(value.totals).toMatchObject({
      insert_failed: 1632 + 1498 + 1577 + 1510,
      drop: 6217,
      invalid: 4821 + 5102 + 4990 + 5233,
      early_drop: 0,
      error: 19,
      search_restart: 3544,
    });
  });

  it('reads /proc/net/stat/nf_conntrack hex rows, entries being global', () => {
    const { value, issues } = parse(shared('conntrack-stats/proc-net-stat-nf_conntrack.txt'));
    expect(issues).toEqual([]);
    expect(value.entries).toBe(0x12);
    expect(value.perCpu).toHaveLength(2);
    expect(value.perCpu[1]?.counters).toMatchObject({
      clashres: 0,
      icmp_error: 0,
      search_restart: 0,
    });
    expect(value.totals.entries).toBeUndefined();
    expect(parse(local('proc-net-stat-nf_conntrack-lab.txt')).value.entries).toBe(19);
  });

  it('adds hex per CPU as the kernel counts', () => {
    const { value } = parse(
      'entries  searched found insert_failed drop\n0000000a  00000001 0000ff00 00000010 00000010\n0000000a  00000002 00000100 00000001 00000001\n',
    );
    expect(value.entries).toBe(10);
    expect(value.totals).toEqual({
      searched: 3,
      found: 0xff00 + 0x100,
      insert_failed: 17,
      drop: 17,
    });
  });

  it('reads conntrack -C as the entry count', () => {
    expect(parse(local('C-count.txt')).value).toEqual({
      locator: { artifact: 'stats.txt', line: 1 },
      perCpu: [],
      totals: {},
      entries: 19,
    });
    expect(parse(shared('unknown/conntrack-C-count.txt')).value.entries).toBe(18);
  });

  it('records unreadable lines with their numbers and keeps the rest', () => {
    const outcome = parse(
      'cpu=0 found=1 drop=x\ncpu=1 found=2 drop=3\nnonsense\nentries found\n0 1 2\n',
    );
    expect(outcome.value.perCpu).toEqual([{ cpu: 1, counters: { found: 2, drop: 3 } }]);
    expect(outcome.issues.map((issue) => issue.locator.line)).toEqual([1, 3, 5]);
  });

  it('honours maxItems over CPU rows', () => {
    const rows = Array.from({ length: 6 }, (_, cpu) => `cpu=${cpu} found=1 drop=2\n`).join('');
    const outcome = parseText(conntrackStatsParser, rows, 's.txt', { maxItems: 4 });
    expect(outcome.value.perCpu).toHaveLength(4);
    expect(outcome.issues).toEqual([
      expect.objectContaining({ code: 'TOO_MANY_ITEMS', locator: { artifact: 's.txt', line: 5 } }),
    ]);
  });
});
