import { BadInputError } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { collectScriptArguments } from './collect-options.js';

describe('collectScriptArguments', () => {
  it('passes nothing for defaults, so the script decides them', () => {
    expect(collectScriptArguments({})).toEqual([]);
  });

  it('maps every option to the script option, keeping a filter with spaces as one argument', () => {
    expect(
      collectScriptArguments({
        output: '/tmp/out',
        durationSeconds: 5,
        filter: 'tcp port 8080 and host 10.0.0.7',
        interface: 'eth0.100',
        snaplen: 128,
        maxCaptureMiB: 50,
        netns: 'cni-1234',
        label: 'pod:shop/orders-1',
        capture: false,
        events: false,
      }),
    ).toEqual([
      '--output',
      '/tmp/out',
      '--duration',
      '5',
      '--filter',
      'tcp port 8080 and host 10.0.0.7',
      '--interface',
      'eth0.100',
      '--snaplen',
      '128',
      '--max-size',
      '50',
      '--netns',
      'cni-1234',
      '--label',
      'pod:shop/orders-1',
      '--no-capture',
      '--no-events',
    ]);
  });

  it('leaves out a blank filter', () => {
    expect(collectScriptArguments({ filter: '  ' })).toEqual([]);
  });

  it.each([
    [{ durationSeconds: 0 }, 'durationSeconds'],
    [{ durationSeconds: 1.5 }, 'durationSeconds'],
    [{ snaplen: -1 }, 'snaplen'],
    [{ maxCaptureMiB: 0 }, 'maxCaptureMiB'],
    [{ interface: 'eth0; reboot' }, 'interface'],
    [{ netns: '../etc' }, 'netns'],
    [{ output: '' }, 'output'],
  ])('refuses %j with a BadInputError naming %s', (options, name) => {
    expect(() => collectScriptArguments(options)).toThrow(BadInputError);
    expect(() => collectScriptArguments(options)).toThrow(name);
  });
});
