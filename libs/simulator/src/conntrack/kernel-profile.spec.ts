import { describe, expect, it } from 'vitest';
import { isKernelProfileId, kernelProfileById, kernelProfileFor } from './kernel-profile.js';

describe('kernel profiles', () => {
  it('chooses the profile from a uname release', () => {
    expect(kernelProfileFor('5.4.0-150-generic').id).toBe('pre-5.14');
    expect(kernelProfileFor('5.10.205-195.807.amzn2.x86_64').id).toBe('pre-5.14');
    expect(kernelProfileFor('5.15.0-91-generic').id).toBe('5.14-6.1');
    expect(kernelProfileFor('6.1.55-cos').id).toBe('5.14-6.1');
    expect(kernelProfileFor('6.2.0-39-generic').id).toBe('6.2+');
    expect(kernelProfileFor('Linux node-1 6.8.0-1015-aws #16-Ubuntu SMP x86_64 GNU/Linux').id).toBe(
      '6.2+',
    );
    expect(kernelProfileFor('4.19.0-26-amd64').id).toBe('pre-5.14');
  });

  it('takes the newest profile for what it cannot parse', () => {
    expect(kernelProfileFor('').id).toBe('6.2+');
    expect(kernelProfileFor('unknown').id).toBe('6.2+');
  });

  it('derives the flags from the exact version inside a profile', () => {
    const v515 = kernelProfileFor('5.15.0-91-generic');
    expect(v515).toMatchObject({
      honoursIgnoreInvalidRst: true,
      staleSegmentsIgnored: false,
      challengeAckRstAccepted: false,
    });
    const v61 = kernelProfileFor('6.1.55');
    expect(v61).toMatchObject({
      id: '5.14-6.1',
      staleSegmentsIgnored: true,
      challengeAckRstAccepted: false,
    });
    expect(kernelProfileFor('5.10.0')).toMatchObject({
      honoursIgnoreInvalidRst: false,
      inexactRstKeepsState: false,
    });
  });

  it('by id gives a representative of each profile with increasing behaviour', () => {
    const old = kernelProfileById('pre-5.14');
    const mid = kernelProfileById('5.14-6.1');
    const now = kernelProfileById('6.2+');
    expect([old.id, mid.id, now.id]).toEqual(['pre-5.14', '5.14-6.1', '6.2+']);
    expect(old.honoursIgnoreInvalidRst).toBe(false);
    expect(mid.honoursIgnoreInvalidRst).toBe(true);
    expect(mid.challengeAckRstAccepted).toBe(false);
    expect(now.challengeAckRstAccepted).toBe(true);
    expect(isKernelProfileId('6.2+')).toBe(true);
    expect(isKernelProfileId('7.0')).toBe(false);
  });
});
