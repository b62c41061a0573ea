import { BUILTIN_ROOT_CAUSES } from '@netmortem/catalogue';
import { describe, expect, it } from 'vitest';
import { toEntryView } from './root-cause-entry.mapper.js';

describe('toEntryView', () => {
  it('reads every part of a shipped entry as it is stored', () => {
    const entry = BUILTIN_ROOT_CAUSES.find((e) => e.id === 'ct-invalid-not-natted-rst')!;
    const view = toEntryView(entry.id, JSON.parse(JSON.stringify(entry)));
    expect(view.mechanism).toEqual(entry.mechanism);
    expect(view.signatures.map((s) => s.kind)).toEqual(entry.signatures.map((s) => s.kind));
    expect(view.affected.kernel).toBe(entry.affected.kernel);
    expect(view.sysctls[0]).toEqual({
      key: 'net.netfilter.nf_conntrack_tcp_be_liberal',
      default: '0',
      role: entry.sysctls[0]!.role,
    });
    const dropInvalid = view.remediationOptions.find((o) => o.id === 'drop-invalid')!;
    expect(dropInvalid.provable).toBe(true);
    expect(dropInvalid.steps[0]!.code).toContain('--ctstate INVALID -j DROP');
    expect(view.lab.command).toBe('sudo npx netmortem lab run ct-invalid-not-natted-rst');
    expect(view.lab.variants[0]).toMatchObject({
      id: 'sidecar-redirect-full-artifacts',
      command:
        'sudo npx netmortem lab run ct-invalid-not-natted-rst --variant sidecar-redirect-full-artifacts',
    });
    expect(view.lab.variants[0]!.description).toMatch(/^pod namespace/);
  });

  it('turns a malformed team entry into empty parts instead of failing', () => {
    const view = toEntryView('mine', {
      mechanism: 'not a list',
      signatures: [null, { kind: 'pcap' }],
      lab: { variants: ['no id here, just words'] },
    });
    expect(view.mechanism).toEqual([]);
    expect(view.signatures).toEqual([
      { kind: '', what: '', example: null },
      { kind: 'pcap', what: '', example: null },
    ]);
    expect(view.remediationOptions).toEqual([]);
    expect(view.lab.variants).toEqual([
      { id: '', description: 'no id here, just words', command: 'sudo npx netmortem lab run mine' },
    ]);
  });

  it('covers every shipped entry', () => {
    for (const entry of BUILTIN_ROOT_CAUSES) {
      const view = toEntryView(entry.id, entry);
      expect(view.mechanism.length, entry.id).toBeGreaterThan(0);
      expect(view.remediationOptions.length, entry.id).toBeGreaterThan(0);
      expect(
        view.lab.variants.every((v) => v.id !== ''),
        entry.id,
      ).toBe(true);
    }
  });
});
