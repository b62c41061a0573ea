import { describe, expect, it } from 'vitest';
import { packTrace, unpackTrace, type FlowTrace } from './packet-trace.js';

describe('packed flow traces', () => {
  it('should fold a trace into a typed array and back without loss', () => {
    const digest = (packet: number, fromClient: boolean) => ({
      packet,
      timeUs: 1_795_304_774_000_000 + packet,
      fromClient,
      flags: 0x12,
      seq: 4_294_967_295 - packet,
      ack: packet * 7,
      length: 1448,
      ipId: packet === 3 ? -1 : packet,
    });
    const trace: FlowTrace = {
      first: [digest(1, true), digest(2, false), digest(3, true)],
      last: [digest(90, false)],
      skipped: 86,
    };
    const packed = packTrace(trace);
    expect(packed).toBeInstanceOf(Float64Array);
    expect(unpackTrace(packed)).toEqual(trace);
    expect(unpackTrace(packTrace({ first: [], last: [], skipped: 0 }))).toEqual({
      first: [],
      last: [],
      skipped: 0,
    });
  });
});
