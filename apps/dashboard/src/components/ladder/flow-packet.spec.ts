import { describe, expect, it } from 'vitest';
import { isAlarmingResponse, offsetLabel, relativeSeconds } from './flow-packet';

describe('flow packet helpers', () => {
  it('should call resets and challenge ACKs alarming, plain ACKs not', () => {
    expect(isAlarmingResponse('RST_ACK')).toBe(true);
    expect(isAlarmingResponse('CHALLENGE_ACK')).toBe(true);
    expect(isAlarmingResponse('ACK')).toBe(false);
    expect(isAlarmingResponse(null)).toBe(false);
  });

  it('should print offsets from the start of the flow', () => {
    expect(relativeSeconds(1_500_000, 500_000)).toBe('+1.000000 s');
    expect(offsetLabel(12_500, 0)).toBe('+12.5 ms');
    expect(offsetLabel(3_200_000, 0)).toBe('+3.20 s');
  });
});
