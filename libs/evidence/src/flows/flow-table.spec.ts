import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowTable, type TableEntry } from './flow-table.js';

interface Entry extends TableEntry {
  readonly key: string;
}

type Tuple = [number, number, number, number];
const key = (c: Tuple, s: Tuple) => `${c.join(',')}|${s.join(',')}`;

describe(FlowTable.name, () => {
  it('should behave like a map keyed by either direction of the tuple, through growth and removals', () => {
    const endpoint = fc.tuple(
      fc.constantFrom(4, 6),
      fc.nat({ max: 7 }),
      fc.nat({ max: 3 }),
      fc.integer({ min: 1, max: 4 }),
    );
    const op = fc.record({
      kind: fc.constantFrom('insert', 'remove', 'find'),
      client: endpoint,
      server: endpoint,
      reversed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const table = new FlowTable<Entry>(16);
        const model = new Map<string, Entry>();
        for (const { kind, client, server, reversed } of ops) {
          const version = client[0];
          const c: Tuple = [version, 0x0a000000 + client[1], client[2], client[3] * 1000];
          const s: Tuple = [version, 0xfd000000 + server[1], server[2], server[3] * 1000];
          const k = key(c, s);
          const existing = model.get(k) ?? model.get(key(s, c));
          const [a, b] = reversed ? [s, c] : [c, s];
          const found = table.find(a[0], 6, a[1], a[2], 0, 0, a[3], b[1], b[2], 0, 0, b[3]);
          expect(found).toBe(existing);
          if (found !== undefined) {
            const forward = existing === model.get(key(a, b));
            expect(table.direction).toBe(forward ? 1 : 2);
          }
          if (kind === 'insert' && existing === undefined) {
            const entry: Entry = { key: k, tableHash: 0 };
            table.insert(entry, c[0], 6, c[1], c[2], 0, 0, c[3], s[1], s[2], 0, 0, s[3]);
            model.set(k, entry);
          } else if (kind === 'remove' && existing !== undefined) {
            table.remove(existing);
            model.delete(existing.key);
          }
          expect(table.size).toBe(model.size);
        }
        expect(new Set(table.values())).toEqual(new Set(model.values()));
      }),
      { numRuns: 300 },
    );
  });
});
