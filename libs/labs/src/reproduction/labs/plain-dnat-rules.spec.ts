import { describe, expect, it } from 'vitest';
import { plainDnatRules } from './plain-dnat-rules.js';

describe('plain DNAT rules', () => {
  it('rewrites the service address to the backend in PREROUTING, one nat table, no masquerade', () => {
    const lines = plainDnatRules(
      { host: '10.78.202.30', port: 80 },
      { host: '10.78.182.20', port: 8080 },
    ).split('\n');
    expect(lines[0]).toBe('*nat');
    expect(lines.filter((line) => line.startsWith('-A '))).toEqual([
      '-A PREROUTING -d 10.78.202.30/32 -p tcp --dport 80 -j DNAT --to-destination 10.78.182.20:8080',
    ]);
    expect(lines.at(-1)).toBe('COMMIT');
  });
});
