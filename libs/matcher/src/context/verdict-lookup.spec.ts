import { describe, expect, it } from 'vitest';
import { labFixtures, loadLabFixture } from '@test/support/lab-fixtures.js';
import { MatchContext } from './match-context.js';

describe('VerdictLookup (through MatchContext.verdict)', () => {
  it('finds a packet’s verdict by capture and number without materialising the rest', async () => {
    const fixture = labFixtures('ct-invalid-not-natted-rst').find(
      (f) => f.variant === 'sidecar-redirect-full-artifacts',
    )!;
    const context = new MatchContext(await loadLabFixture(fixture));
    const run = context.replay!;
    const all = [...run.packets()];
    const invalid = all.find((v) => v.ctinfo === 'INVALID')!;
    expect(context.verdict(invalid.capture, invalid.index)).toEqual(invalid);
    expect(context.verdict(invalid.capture, 999_999)).toBeUndefined();
    expect(context.verdict('no-such-capture.pcap', 1)).toBeUndefined();
  });
});
