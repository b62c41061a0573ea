import { BadInputError } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { parseWhatIfSpecs } from './what-if-spec.js';

describe('parseWhatIfSpecs', () => {
  it('reads sysctls, kernel, keepalive and rule edits', () => {
    const parsed = parseWhatIfSpecs([
      'net.netfilter.nf_conntrack_tcp_be_liberal=1',
      'kernel=6.2+',
      'keepalive=server:30@10.0.0.5:8080',
      'keepalive=45',
      'remove-rule=mangle:-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP',
      'add-rule=filter:-I INPUT -p tcp --dport 9 -j DROP',
    ]);
    expect(parsed.overrides.settings).toEqual({ 'net.netfilter.nf_conntrack_tcp_be_liberal': '1' });
    expect(parsed.overrides.kernel).toBe('6.2+');
    expect(parsed.overrides.keepalive).toEqual([
      { side: 'server', everySec: 30, endpoint: '10.0.0.5:8080' },
      { side: 'client', everySec: 45 },
    ]);
    expect(parsed.overrides.removeRules).toEqual([
      { table: 'mangle', line: '-A PREROUTING -m conntrack --ctstate INVALID -j ISTIO_DROP' },
    ]);
    expect(parsed.addRuleLines).toEqual([
      { table: 'filter', chain: 'INPUT', line: '-I INPUT -p tcp --dport 9 -j DROP', insert: true },
    ]);
  });

  it('names the bad value in its error', () => {
    expect(() => parseWhatIfSpecs(['be_liberal'])).toThrow(BadInputError);
    expect(() => parseWhatIfSpecs(['keepalive=often'])).toThrow(/keepalive=often/);
    expect(() => parseWhatIfSpecs(['add-rule=-A INPUT -j DROP'])).toThrow(/<table>:-A/);
    expect(() => parseWhatIfSpecs(['colour=blue'])).toThrow(/unknown key "colour"/);
  });
});
