import { describe, expect, it } from 'vitest';
import {
  CatalogueValidationError,
  assertValidCatalogue,
  catalogueProblems,
  entryProblems,
  isSysctlKey,
} from './entry-validation.js';
import type { RemediationOption, RootCauseEntry, WhatIfRecipe } from './root-cause-entry.js';

function option(id: string, whatIf?: WhatIfRecipe): RemediationOption {
  return {
    id,
    title: `Option ${id}`,
    steps: [{ language: 'shell', code: 'sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1' }],
    tradeoffs: ['Costs something.'],
    ...(whatIf === undefined ? {} : { whatIf }),
  };
}

function validEntry(changes: Partial<RootCauseEntry> = {}): RootCauseEntry {
  return {
    id: 'sample-cause',
    title: 'Sample cause',
    summary: 'A sample mechanism used to exercise the validator.',
    symptoms: ['Something breaks'],
    mechanism: ['First this', 'Then that'],
    signatures: [{ kind: 'pcap', what: 'A bare RST' }],
    affected: { kernel: 'All kernels' },
    sysctls: [{ key: 'net.netfilter.nf_conntrack_tcp_be_liberal', default: '0', role: 'Why' }],
    remediation: [
      option('be-liberal', { settings: { 'net.netfilter.nf_conntrack_tcp_be_liberal': '1' } }),
    ],
    verification: ['The RST is gone'],
    references: [{ title: 'Kernel docs', url: 'https://docs.kernel.org/' }],
    lab: { description: 'Two namespaces', variants: ['full artifacts', 'capture only'] },
    seeds: ['001'],
    ...changes,
  };
}

function fieldsOf(entry: RootCauseEntry): string[] {
  return entryProblems(entry).map((problem) => problem.field);
}

describe('entryProblems', () => {
  it('should accept a complete entry', () => {
    expect(entryProblems(validEntry())).toEqual([]);
  });

  it('should name the entry and the empty field', () => {
    const problems = entryProblems(validEntry({ title: '  ', symptoms: [] }));
    expect(problems).toEqual([
      { entry: 'sample-cause', field: 'title', message: 'must be non-empty text' },
      { entry: 'sample-cause', field: 'symptoms', message: 'must not be empty' },
    ]);
  });

  it('should reject an id that is not kebab-case', () => {
    expect(fieldsOf(validEntry({ id: 'Sample_Cause' }))).toEqual(['id']);
  });

  it('should reject remediation ids used twice within the entry', () => {
    const problems = entryProblems(
      validEntry({ remediation: [option('drop-invalid'), option('drop-invalid')] }),
    );
    expect(problems).toEqual([
      {
        entry: 'sample-cause',
        field: 'remediation',
        message: 'remediation id "drop-invalid" appears twice',
      },
    ]);
  });

  it('should reject signature kinds that are not evidence artifact kinds', () => {
    const entry = validEntry({
      signatures: [
        { kind: 'tcpdump' as never, what: 'x' },
        { kind: 'unknown', what: 'y' },
        { kind: 'conntrack-events', what: 'z' },
      ],
    });
    expect(fieldsOf(entry)).toEqual(['signatures[0].kind', 'signatures[1].kind']);
  });

  it('should require at least two lab variants', () => {
    const entry = validEntry({ lab: { description: 'One namespace', variants: ['only one'] } });
    expect(entryProblems(entry)).toEqual([
      { entry: 'sample-cause', field: 'lab.variants', message: 'needs at least 2 items' },
    ]);
  });

  it('should reject sysctl keys that are not written like sysctl keys', () => {
    const entry = validEntry({
      sysctls: [
        { key: '/proc/sys/net/ipv4/tcp_fin_timeout', role: 'a' },
        { key: 'tcp_fin_timeout', role: 'b' },
        { key: 'net.ipv4.tcp_fin_timeout', role: 'c' },
        { key: 'net.ipv4.tcp_fin_timeout', role: 'd' },
      ],
    });
    expect(fieldsOf(entry)).toEqual(['sysctls[0].key', 'sysctls[1].key', 'sysctls']);
  });

  it('should reject what-if settings keyed by something other than a sysctl', () => {
    const entry = validEntry({
      remediation: [option('bad-key', { settings: { be_liberal: '1' } })],
    });
    expect(entryProblems(entry)).toEqual([
      {
        entry: 'sample-cause',
        field: 'remediation[0].whatIf.settings',
        message: 'key "be_liberal" is not a sysctl key',
      },
    ]);
  });

  it('should reject what-if recipes the simulator cannot apply', () => {
    const entry = validEntry({
      remediation: [
        option('nothing', {}),
        option('bad-rule', { addRules: [{ table: 'broute', line: 'PREROUTING -j DROP' }] }),
        option('bad-keepalive', {
          keepalive: { side: 'client', everySec: 0, shorterThan: 'established' },
        }),
        option('bad-kernel', { kernel: 'latest' }),
      ],
    });
    expect(fieldsOf(entry)).toEqual([
      'remediation[0].whatIf',
      'remediation[1].whatIf.addRules[0].table',
      'remediation[1].whatIf.addRules[0].line',
      'remediation[2].whatIf.keepalive.everySec',
      'remediation[2].whatIf.keepalive.shorterThan',
      'remediation[3].whatIf.kernel',
    ]);
  });

  it('should accept the what-if forms the simulator understands', () => {
    const entry = validEntry({
      remediation: [
        option('drop-invalid', {
          addRules: [
            { table: 'mangle', line: '-I PREROUTING -m conntrack --ctstate INVALID -j DROP' },
          ],
        }),
        option('keepalive', {
          keepalive: {
            side: 'client',
            everySec: 300,
            shorterThan: 'net.netfilter.nf_conntrack_tcp_timeout_established',
          },
        }),
        option('profile', { kernel: '6.2+' }),
        option('release', { kernel: '5.15.0-91-generic' }),
      ],
    });
    expect(entryProblems(entry)).toEqual([]);
  });

  it('should reject references without an https address and seeds that are not seed numbers', () => {
    const entry = validEntry({
      references: [{ title: 'Plain web', url: 'http://example.org/' }],
      seeds: ['seed-1'],
    });
    expect(fieldsOf(entry)).toEqual(['references[0].url', 'seeds[0]']);
  });
});

describe('assertValidCatalogue', () => {
  it('should return the entries when all are valid', () => {
    const entries = [validEntry(), validEntry({ id: 'other-cause' })];
    expect(assertValidCatalogue(entries)).toBe(entries);
  });

  it('should throw one error listing every problem with entry and field', () => {
    const entries = [
      validEntry({ summary: '' }),
      validEntry({ id: 'other-cause', lab: { description: 'x', variants: [] } }),
    ];
    let error: unknown;
    try {
      assertValidCatalogue(entries);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CatalogueValidationError);
    const validation = error as CatalogueValidationError;
    expect(validation.code).toBe('catalogue.invalid-entry');
    expect(validation.problems.map((p) => `${p.entry}:${p.field}`)).toEqual([
      'sample-cause:summary',
      'other-cause:lab.variants',
    ]);
    expect(validation.message).toContain('entry "sample-cause", summary: must be non-empty text');
    expect(validation.message).toContain(
      'entry "other-cause", lab.variants: needs at least 2 items',
    );
  });

  it('should report an id used by two entries', () => {
    expect(catalogueProblems([validEntry(), validEntry()])).toEqual([
      { entry: 'sample-cause', field: 'id', message: 'is used by two entries' },
    ]);
  });
});

describe('isSysctlKey', () => {
  it.each([
    ['net.netfilter.nf_conntrack_max', true],
    ['net.ipv4.conf.eth0.rp_filter', true],
    ['net.nf_conntrack_max', true],
    ['vm.swappiness', true],
    ['nf_conntrack_max', false],
    ['net.ipv4.tcp_fin_timeout = 60', false],
    ['/proc/sys/net/core/somaxconn', false],
  ])('%s -> %s', (key, expected) => {
    expect(isSysctlKey(key)).toBe(expected);
  });
});
