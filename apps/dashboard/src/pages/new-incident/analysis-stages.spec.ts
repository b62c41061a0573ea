import { describe, expect, it } from 'vitest';
import { stageStates } from './analysis-stages';

describe(stageStates.name, () => {
  it('should mark stages before the running one done', () => {
    expect(stageStates({ status: 'RUNNING', stage: 'parse', progress: 50 })).toEqual([
      'done',
      'done',
      'running',
      'pending',
      'pending',
      'pending',
    ]);
  });

  it('should show all pending while queued and all done once it succeeded', () => {
    expect(stageStates({ status: 'QUEUED', progress: 0 })).toEqual(Array(6).fill('pending'));
    expect(stageStates({ status: 'SUCCEEDED', progress: 100 })).toEqual(Array(6).fill('done'));
  });

  it('should place a failure by progress when the stage is not named', () => {
    expect(stageStates({ status: 'FAILED', stage: null, progress: 72 })).toEqual([
      'done',
      'done',
      'done',
      'failed',
      'pending',
      'pending',
    ]);
    expect(stageStates({ status: 'FAILED', stage: 'unpack', progress: 10 })[0]).toBe('failed');
  });
});
