import { describe, expect, it } from 'vitest';
import { CT_INFOS, TCP_CONNTRACK_STATES } from '../model/index.js';
import { CodedColumn, ctinfoCode, ctinfoOf, stateCode, stateOf, StepStore } from './step-store.js';

describe('step columns', () => {
  it('encode every ctinfo and TCP state to a byte and back', () => {
    for (const ctinfo of [null, ...CT_INFOS]) expect(ctinfoOf(ctinfoCode(ctinfo))).toBe(ctinfo);
    for (const state of [null, ...TCP_CONNTRACK_STATES])
      expect(stateOf(stateCode(state))).toBe(state);
    expect(new Set(TCP_CONNTRACK_STATES.map(stateCode)).size).toBe(TCP_CONNTRACK_STATES.length);
  });

  it('a coded column gives back what was written, undefined and repeats included', () => {
    const column = new CodedColumn<string>(5, 'NONE');
    column.set(1, 'ACCEPT');
    column.set(2, 'ACCEPT');
    column.set(3, undefined);
    column.set(4, `DR${'OP'}`);
    expect([0, 1, 2, 3, 4].map((i) => column.get(i))).toEqual([
      'NONE',
      'ACCEPT',
      'ACCEPT',
      undefined,
      'DROP',
    ]);
  });

  it('a store starts every row at the defaults of a fresh step', () => {
    const store = new StepStore([]);
    expect(store.length).toBe(0);
    const three = new StepStore(new Array(3).fill(undefined));
    expect(Array.from(three.entryId)).toEqual([-1, -1, -1]);
    expect(three.filterVerdict.get(2)).toBe('NONE');
    expect(three.natKind.get(0)).toBeUndefined();
    expect(three.extrasOf(1)).toBeUndefined();
  });
});
