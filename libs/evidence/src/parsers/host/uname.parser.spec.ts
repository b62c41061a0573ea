import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../text-artifact-parser.js';
import { kernelVersion } from './kernel-release.js';
import { unameParser } from './uname.parser.js';

const shared = (path: string) =>
  readFileSync(new URL(`../../detection/__fixtures__/${path}`, import.meta.url), 'utf8');
const parse = (text: string) => parseText(unameParser, text, 'uname.txt');

describe('unameParser', () => {
  it.each([
    ['uname/debian-amd64.txt', '6.1.0-26-amd64', [6, 1, 0], 'node-1', 'x86_64'],
    [
      'uname/eks-amazon-linux-2.txt',
      '5.10.225-213.878.amzn2.x86_64',
      [5, 10, 225],
      'ip-10-0-12-34.ec2.internal',
      'x86_64',
    ],
    ['uname/gke-cos.txt', '6.1.100+', [6, 1, 100], 'gke-pool-1-3f2a9c1e-x7k2', 'x86_64'],
    [
      'uname/aks-ubuntu-arm64.txt',
      '5.15.0-1071-azure',
      [5, 15, 0],
      'aks-nodepool1-12345678-vmss000000',
      'aarch64',
    ],
    ['uname/alpine-busybox.txt', '6.6.32-0-lts', [6, 6, 32], 'node-1', 'x86_64'],
    ['uname/proc-version-debian.txt', '6.1.0-26-amd64', [6, 1, 0], undefined, undefined],
    ['uname/r-release-only.txt', '5.15.0-1071-azure', [5, 15, 0], undefined, undefined],
  ])('reads %s', (path, release, version, hostname, machine) => {
    const text = shared(path);
    const outcome = parse(text);
    expect(outcome.issues).toEqual([]);
    expect(outcome.value).toEqual({
      locator: { artifact: 'uname.txt', line: 1 },
      release,
      version,
      ...(hostname === undefined ? {} : { hostname }),
      ...(machine === undefined ? {} : { machine }),
      raw: text.trim(),
    });
  });

  it('reads uname -sr and -srm, which leave the host name out', () => {
    expect(parse('Linux 6.6.12+bpo x86_64\n').value).toMatchObject({
      release: '6.6.12+bpo',
      version: [6, 6, 12],
      machine: 'x86_64',
    });
    expect(parse('Linux 6.6.12+bpo x86_64\n').value?.hostname).toBeUndefined();
  });

  it('keeps the first of two releases and reports the second', () => {
    const outcome = parse(
      'Linux a 6.1.0-27-amd64 #1 SMP x86_64 GNU/Linux\nLinux a 6.1.0-28-amd64 #1 SMP x86_64 GNU/Linux\n',
    );
    expect(outcome.value?.release).toBe('6.1.0-27-amd64');
    expect(outcome.issues).toEqual([
      expect.objectContaining({
        code: 'CONFLICTING_VALUE',
        locator: { artifact: 'uname.txt', line: 2 },
      }),
    ]);
  });

  it('fails with the line when no release can be found', () => {
    const outcome = parse('hello world\n');
    expect(outcome).toMatchObject({ status: 'failed', value: undefined });
    expect(outcome.issues[0]?.locator.line).toBe(1);
  });
});

describe(kernelVersion.name, () => {
  it.each([
    ['5.15.0-1057-azure', [5, 15, 0]],
    ['6.1.0-27-amd64', [6, 1, 0]],
    ['4.14.336-257.566.amzn2.x86_64', [4, 14, 336]],
    ['6.6.12+bpo', [6, 6, 12]],
    ['6.8-rc1', [6, 8, 0]],
    ['6.18.44-fc-v595', [6, 18, 44]],
    ['2.6.32.27', [2, 6, 32]],
    ['5.4', [5, 4, 0]],
  ])('%s → %j', (release, version) => {
    expect(kernelVersion(release)).toEqual(version);
  });

  it.each(['', 'linux', '12345.1', '6', 'v6.1.0', '6.1234567'])('rejects "%s"', (release) => {
    expect(kernelVersion(release)).toBeUndefined();
  });
});
