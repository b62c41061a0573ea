import { describe, expect, it } from 'vitest';
import { simulationNote, type SimulationCounts } from './simulation-tally.js';

const counts = (over: Partial<SimulationCounts> = {}): SimulationCounts => ({
  packetsReplayed: 0,
  invalid: 0,
  natSkipped: 0,
  renats: 0,
  expiries: 0,
  anchorDisagreements: 0,
  overCap: 0,
  ...over,
});

describe(simulationNote.name, () => {
  it('should put every count in words, singular where it is one', () => {
    expect(
      simulationNote(
        counts({
          packetsReplayed: 1,
          invalid: 1,
          natSkipped: 1,
          renats: 1,
          expiries: 1,
          anchorDisagreements: 1,
        }),
        100,
      ),
    ).toBe(
      '1 packet replayed: 1 INVALID packet, NAT skipped for 1 packet, 1 re-NAT, 1 conntrack expiry, 1 anchor disagreement',
    );
    expect(simulationNote(counts({ packetsReplayed: 40, expiries: 3 }), 100)).toBe(
      '40 packets replayed: 0 INVALID packets, NAT skipped for 0 packets, 0 re-NATs, 3 conntrack expiries, 0 anchor disagreements',
    );
  });

  it('should say how many packets the cap left out', () => {
    expect(simulationNote(counts({ packetsReplayed: 10, overCap: 30 }), 10)).toMatch(
      /; 30 packets over the cap of 10 not replayed$/,
    );
  });
});
