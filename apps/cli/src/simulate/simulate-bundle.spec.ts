import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkKernel, parseSettings, simulateBundle } from './simulate-bundle.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

describe('simulateBundle', () => {
  it('reads --set pairs and names a malformed one', () => {
    expect(parseSettings(['net.netfilter.nf_conntrack_tcp_loose = 0', 'a=b=c'])).toEqual({
      'net.netfilter.nf_conntrack_tcp_loose': '0',
      a: 'b=c',
    });
    expect(() => parseSettings(['x='])).toThrow(/--set "x=": expected key=value/);
  });

  it('accepts kernel profiles and releases, and refuses anything else by name', () => {
    expect(() => checkKernel('6.2+')).not.toThrow();
    expect(() => checkKernel('5.15.0-91-generic')).not.toThrow();
    expect(() => checkKernel('latest')).toThrow(/--kernel "latest"/);
  });

  it('replays an example bundle and, with a what-if, compares', async () => {
    const target = path.join(EXAMPLES, 'client-node-kube-proxy');
    const plain = await simulateBundle(target, { set: [], whatIf: [], local: [] });
    expect(plain.run.packetCount).toBe(plain.run.input.packets);
    expect(plain.diff).toBeUndefined();
    const compared = await simulateBundle(target, {
      set: [],
      whatIf: ['kernel=pre-5.14'],
      local: [],
      kernel: '6.2+',
      seed: '9',
    });
    expect(compared.run.input.kernelProfile).toBe('6.2+');
    expect(compared.run.input.seed).toBe(9);
    expect(compared.diff?.overrides).toEqual(['kernel pre-5.14']);
    await expect(
      simulateBundle(target, { set: [], whatIf: [], local: [], seed: 'x' }),
    ).rejects.toThrow(/--seed "x"/);
  });
});
