import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSimulationInput } from './simulate-input.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

describe('readSimulationInput', () => {
  it('reads a bundle folder’s evidence and every packet of its captures', async () => {
    const { evidence } = await readSimulationInput(path.join(EXAMPLES, 'sidecar-node-snapshot'));
    expect(evidence.packets.length).toBeGreaterThan(0);
    expect(evidence.packets.every((p) => p.locator.artifact === 'capture-any.pcap')).toBe(true);
    expect(evidence.packets.map((p) => p.locator.packet)).toEqual(
      evidence.packets.map((_, i) => i + 1),
    );
    expect(evidence.rulesets).toHaveLength(1);
    expect(evidence.kernels?.[0]?.release).toBe('6.1.0-26-amd64');
  });

  it('reads a single capture file as a one-file bundle', async () => {
    const { evidence } = await readSimulationInput(
      path.join(EXAMPLES, 'client-node-kube-proxy', 'client.pcap'),
    );
    expect(evidence.packets[0]?.locator.artifact).toBe('client.pcap');
  });
});
