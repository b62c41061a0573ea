import { describe, expect, it } from 'vitest';
import { generateSuite } from '../sequences/generate-suite.js';
import { scheduleBatch } from './batch-schedule.js';

describe('scheduleBatch', () => {
  const suite = generateSuite().filter((s) => s.family === 'timeout' || s.family === 'handshake');
  const batch = scheduleBatch(suite, { gapUs: 250 });

  it('keeps every sequence in order and at least its own delays apart', () => {
    for (const sequence of suite) {
      const wire = batch.bySequence.get(sequence.id) ?? [];
      expect(wire).toHaveLength(sequence.segments.length);
      for (let i = 1; i < wire.length; i++) {
        const gap = (wire[i]?.timeUs ?? 0) - (wire[i - 1]?.timeUs ?? 0);
        expect(gap).toBeGreaterThanOrEqual((sequence.segments[i]?.delayMs ?? 0) * 1000);
        expect(gap).toBeGreaterThan(0);
      }
    }
  });

  it('puts one segment per gap on the wire, with distinct packet ids', () => {
    for (let i = 1; i < batch.segments.length; i++)
      expect(
        (batch.segments[i]?.timeUs ?? 0) - (batch.segments[i - 1]?.timeUs ?? 0),
      ).toBeGreaterThanOrEqual(250);
    expect(new Set(batch.segments.map((s) => s.packetId)).size).toBe(batch.segments.length);
  });

  it('overlaps idle sequences with the rest instead of queueing them', () => {
    const longest = Math.max(
      ...suite.map((s) => s.segments.reduce((sum, g) => sum + g.delayMs, 0)),
    );
    const packets = batch.segments.length;
    expect(batch.durationUs).toBeLessThan(longest * 1000 + packets * 250 * 2);
  });
});
