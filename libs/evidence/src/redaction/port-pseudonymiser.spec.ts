import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEPT_PORTS, PORT_BANDS, PortPseudonymiser } from './port-pseudonymiser.js';

describe('PortPseudonymiser', () => {
  it('is a bijection on 0-65535 that keeps system and well-known ports and stays in its band', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 32 }), (key) => {
        const ports = new PortPseudonymiser(key);
        const images = new Set<number>();
        const wrong: number[] = [];
        for (let port = 0; port < 65536; port++) {
          const mapped = ports.map(port);
          images.add(mapped);
          const band = PORT_BANDS.find(([low, high]) => port >= low && port <= high);
          const fine =
            port < 1024 || KEPT_PORTS.has(port)
              ? mapped === port
              : band !== undefined &&
                mapped >= band[0] &&
                mapped <= band[1] &&
                !KEPT_PORTS.has(mapped);
          if (!fine) wrong.push(port);
        }
        expect(wrong).toEqual([]);
        expect(images.size).toBe(65536);
      }),
      { numRuns: 5 },
    );
  });

  it('is deterministic for a key and differs between keys', () => {
    const a = new PortPseudonymiser(new Uint8Array(32).fill(1));
    const again = new PortPseudonymiser(new Uint8Array(32).fill(1));
    const b = new PortPseudonymiser(new Uint8Array(32).fill(2));
    let differ = 0;
    for (let port = 32768; port < 33768; port++) {
      expect(a.map(port)).toBe(again.map(port));
      if (a.map(port) !== b.map(port)) differ += 1;
    }
    expect(differ).toBeGreaterThan(990);
  });

  it('keeps the mesh and cluster ports the analysis recognises', () => {
    const ports = new PortPseudonymiser(new Uint8Array(32).fill(3));
    for (const port of [
      53, 80, 443, 15001, 15006, 15000, 15021, 15090, 10250, 6443, 2379, 2380, 8080, 5432,
    ])
      expect(ports.map(port)).toBe(port);
    expect(PortPseudonymiser.isKept(43588)).toBe(false);
  });
});
