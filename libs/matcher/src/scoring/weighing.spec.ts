import { describe, expect, it } from 'vitest';
import { Weighing } from './weighing.js';

const pointer = (note: string) => ({ artifact: 'a', locator: '', note });

describe('Weighing', () => {
  it('stays below even odds on weak evidence alone', () => {
    const w = new Weighing()
      .for('weak', pointer('reset in a log'))
      .for('weak', pointer('default sysctl'));
    expect(w.confidence).toBeLessThan(0.5);
  });

  it('passes 0.9 when the mechanism itself was observed and corroborated', () => {
    const w = new Weighing()
      .for('decisive', pointer('replayed'))
      .for('strong', pointer('signature'))
      .for('moderate', pointer('timing'));
    expect(w.confidence).toBeGreaterThan(0.9);
    expect(w.confidence).toBeLessThanOrEqual(0.98);
  });

  it('lets evidence against pull the confidence down and lists it separately', () => {
    const w = new Weighing().for('decisive', pointer('x')).for('strong', pointer('y'));
    const before = w.confidence;
    w.against('strong', pointer('fix already in place'));
    expect(w.confidence).toBeLessThan(before);
    expect(w.evidenceAgainst.map((p) => p.note)).toEqual(['fix already in place']);
  });

  it('orders supporting pointers strongest first', () => {
    const w = new Weighing().for('weak', pointer('w')).for('decisive', pointer('d'));
    expect(w.evidence.map((p) => p.note)).toEqual(['d', 'w']);
  });
});
