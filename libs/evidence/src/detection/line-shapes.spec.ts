import { describe, expect, it } from 'vitest';
import { LineShapes } from './line-shapes.js';

describe('LineShapes', () => {
  const shapes = new LineShapes({ table: /\*\w+$/, rule: /-A \S+/, empty: /(?:)$/ });

  it('names the first shape a line opens with', () => {
    expect(shapes.match('*nat')).toBe('table');
    expect(shapes.match('-A PREROUTING -j X')).toBe('rule');
    expect(shapes.match('')).toBe('empty');
    expect(shapes.match('  -A X')).toBeUndefined();
  });

  it('counts lines per shape, with zeros for shapes never seen', () => {
    expect(shapes.count(['*nat', '-A X', '-A Y', 'COMMIT'])).toEqual({
      table: 1,
      rule: 2,
      empty: 0,
    });
  });
});
