import { describe, expect, it } from 'vitest';
import type { KernelPacketVerdict, KernelSequenceVerdicts } from '../kernel/kernel-verdicts.js';
import type { ModelPacketVerdict } from '../model/model-runner.js';
import { generateSuite } from '../sequences/generate-suite.js';
import { compareRuns, formatReport } from './differential-report.js';

describe('compareRuns', () => {
  const suite = generateSuite();
  const plain = suite.find((s) => s.id === 'handshake/normal-1');
  const random = suite.find((s) => s.nat?.random === true);
  if (plain === undefined || random === undefined)
    throw new Error('suite lost its sample sequences');
  const allowed = random.nat?.allowed[0] as { address: string; port: number };

  const kernelOf = (
    ctinfo: KernelPacketVerdict['ctinfo'][],
    extra: Partial<KernelPacketVerdict> = {},
  ): KernelPacketVerdict[] =>
    ctinfo.map((c, index) => ({
      index,
      ctinfo: c,
      ...(c === 'INVALID' ? {} : { direction: 'original' as const }),
      sentUs: index,
      ...extra,
    }));
  const modelOf = (
    ctinfo: ModelPacketVerdict['ctinfo'][],
    extra: Partial<ModelPacketVerdict> = {},
  ): ModelPacketVerdict[] =>
    ctinfo.map((c, index) => ({
      index,
      ctinfo: c,
      ...(c === 'INVALID' ? {} : { direction: 'original' as const }),
      ...extra,
    }));

  it('counts agreement per packet and reports each disagreement with its context', () => {
    const n = plain.segments.length;
    const k = kernelOf(
      Array.from({ length: n }, (_, i) => (i === 2 ? 'INVALID' : 'ESTABLISHED')),
      { stateAfter: 'ESTABLISHED' },
    );
    const m = modelOf(
      Array.from({ length: n }, () => 'ESTABLISHED'),
      { stateAfter: 'ESTABLISHED' },
    );
    const report = compareRuns(
      [plain],
      new Map<string, KernelSequenceVerdicts>([[plain.id, { sequenceId: plain.id, packets: k }]]),
      new Map([[plain.id, m]]),
      { kernelRelease: 'test', profile: '6.2+' },
    );
    expect(report.ctinfo).toEqual({ compared: n, agreed: n - 1 });
    expect(report.disagreements).toHaveLength(1);
    expect(report.disagreements[0]).toMatchObject({
      sequenceId: plain.id,
      packet: 3,
      kinds: ['ctinfo'],
    });
    expect(report.disagreements[0]?.context).toHaveLength(3);
    expect(formatReport(report)).toContain(`${plain.id} packet 3 [ctinfo]`);
  });

  it('holds a direction mismatch against ctinfo, and timers to within a second', () => {
    const k = kernelOf(['NEW'], { timeoutSec: 120 });
    const m: ModelPacketVerdict[] = [
      { index: 0, ctinfo: 'NEW', direction: 'reply', timeoutSec: 118 },
    ];
    const one = { ...plain, segments: plain.segments.slice(0, 1) };
    const report = compareRuns(
      [one],
      new Map([[one.id, { sequenceId: one.id, packets: k }]]),
      new Map([[one.id, m]]),
      {
        kernelRelease: 'test',
        profile: '6.2+',
      },
    );
    expect(report.disagreements[0]?.kinds).toEqual(['ctinfo', 'timeout']);
  });

  it('only asks a random NAT choice to be an allowed one', () => {
    const n = random.segments.length;
    const k = kernelOf(
      Array.from({ length: n }, () => 'NEW'),
      { natDestination: allowed },
    );
    const other = random.nat?.allowed.at(-1) ?? allowed;
    const m = modelOf(
      Array.from({ length: n }, () => 'NEW'),
      { natDestination: other },
    );
    const report = compareRuns(
      [random],
      new Map([[random.id, { sequenceId: random.id, packets: k }]]),
      new Map([[random.id, m]]),
      {
        kernelRelease: 'test',
        profile: '6.2+',
      },
    );
    expect(report.nat).toEqual({ compared: n, agreed: n });
    const outside = modelOf(
      Array.from({ length: n }, () => 'NEW'),
      { natDestination: { address: '192.0.2.1', port: 1 } },
    );
    const bad = compareRuns(
      [random],
      new Map([[random.id, { sequenceId: random.id, packets: k }]]),
      new Map([[random.id, outside]]),
      {
        kernelRelease: 'test',
        profile: '6.2+',
      },
    );
    expect(bad.nat.agreed).toBe(0);
  });

  it('does not count packets the router never logged', () => {
    const k = kernelOf(plain.segments.map(() => 'MISSING'));
    const m = modelOf(plain.segments.map(() => 'NEW'));
    const report = compareRuns(
      [plain],
      new Map([[plain.id, { sequenceId: plain.id, packets: k }]]),
      new Map([[plain.id, m]]),
      {
        kernelRelease: 'test',
        profile: '6.2+',
      },
    );
    expect(report.missing).toBe(plain.segments.length);
    expect(report.ctinfo.compared).toBe(0);
  });
});
