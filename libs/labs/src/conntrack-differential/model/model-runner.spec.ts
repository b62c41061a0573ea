import { kernelProfileById } from '@netmortem/simulator';
import { describe, expect, it } from 'vitest';
import { scheduleBatch } from '../packets/batch-schedule.js';
import { generateSuite } from '../sequences/generate-suite.js';
import type { TcpSequence } from '../sequences/segment-sequence.js';
import { runModel } from './model-runner.js';
import { sequenceRuleset } from './nat-ruleset.js';

const suite = generateSuite();
const profile = kernelProfileById('6.2+');

async function model(sequence: TcpSequence) {
  const segments = scheduleBatch([sequence]).bySequence.get(sequence.id) ?? [];
  const rules =
    sequence.nat === undefined && sequence.rawRules === undefined
      ? undefined
      : await sequenceRuleset(
          { nat: sequence.nat?.rules ?? [], raw: sequence.rawRules ?? [] },
          'rules.txt',
        );
  return runModel({
    sequence,
    segments,
    baseSysctls: {},
    profile,
    ...(rules === undefined ? {} : { rules }),
  });
}

function find(prefix: string): TcpSequence {
  const sequence = suite.find((s) => s.id.startsWith(prefix));
  if (sequence === undefined) throw new Error(`suite lost ${prefix}`);
  return sequence;
}

describe('runModel', () => {
  it('tracks a plain handshake through a fresh table', async () => {
    const verdicts = await model(find('handshake/normal-'));
    expect(verdicts.slice(0, 3).map((v) => [v.ctinfo, v.direction, v.stateAfter])).toEqual([
      ['NEW', 'original', 'SYN_SENT'],
      ['ESTABLISHED', 'reply', 'SYN_RECV'],
      ['ESTABLISHED', 'original', 'ESTABLISHED'],
    ]);
    expect(verdicts[0]?.timeoutSec).toBe(120);
  });

  it('binds a REDIRECT on the first packet and sends the rest of the flow the same way', async () => {
    const sequence = find('nat/redirect-');
    const verdicts = await model(sequence);
    const c2s = verdicts.filter((_, i) => sequence.segments[i]?.direction === 'c2s');
    for (const v of c2s) expect(v.natDestination).toEqual(sequence.nat?.allowed[0]);
  });

  it('leaves raw-table NOTRACK packets untracked and un-NATed', async () => {
    const sequence = find('notrack/both-directions-');
    const verdicts = await model(sequence);
    expect(new Set(verdicts.map((v) => v.ctinfo))).toEqual(new Set(['UNTRACKED']));
  });
});
