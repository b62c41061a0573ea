import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvidenceSet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { createEvidenceCollector } from '../assembly/default-handlers.js';
import { detectArtifactKind } from '../detection/artifact-kind.detector.js';
import { canonicalIp, parseIpv6 } from '../parsers/shared/ip-address.js';
import { NameHarvester } from './name-harvester.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { emptyStraceBuffers } from './strace-buffers.js';
import { TextRedactor } from './text-redactor.js';

// Every real text fixture of the repository, redacted as one bundle under one key: no
// address of the input survives, everything but addresses, ports and names is byte for
// byte the same, the kind is still detected, and the parsers read as much as before.

const SRC = fileURLToPath(new URL('..', import.meta.url));
const ROOTS = [
  ...readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name === '__fixtures__')
    .map((entry) => path.join(entry.parentPath, entry.name)),
  fileURLToPath(new URL('../../../../examples', import.meta.url)),
];

interface Fixture {
  readonly path: string;
  readonly bytes: Buffer;
  readonly kind: ReturnType<typeof detectArtifactKind>['kind'];
}

const fixtures: Fixture[] = ROOTS.flatMap((root) =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.(pcap|pcapng|gz)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name)),
)
  .filter((file) => !file.includes(`${path.sep}lab${path.sep}`))
  .map((file) => {
    const bytes = readFileSync(file);
    return {
      path: path.relative(SRC, file),
      bytes,
      kind: detectArtifactKind(bytes.subarray(0, 65536), file).kind,
    };
  });

const p = new Pseudonymiser(new Uint8Array(32).fill(11));
const harvester = new NameHarvester(p.names);
for (const fixture of fixtures) {
  harvester.path(fixture.path);
  for (const line of fixture.bytes.toString('latin1').split('\n'))
    harvester.line(line, fixture.kind);
}
const redacted = new Map(
  fixtures.map((fixture) => {
    const redactor = new TextRedactor(p, { kind: fixture.kind, path: fixture.path });
    // Odd chunk sizes: lines and literals straddle chunk boundaries.
    const parts: Uint8Array[] = [];
    for (let at = 0; at < fixture.bytes.length; at += 97)
      parts.push(redactor.push(fixture.bytes.subarray(at, at + 97)));
    parts.push(redactor.finish().tail);
    return [fixture.path, Buffer.concat(parts)];
  }),
);

/** Every IP address literal in a text, canonical: an independent reading (the parsers' own). */
function addressesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g)) {
    const ip = canonicalIp(m[0]);
    if (ip) found.add(ip);
  }
  for (const m of text.matchAll(/[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/g)) {
    let token = m[0].replace(/\.$/, '');
    for (let tries = 0; tries < 2 && token.length > 1; tries++) {
      const ip = canonicalIp(token);
      if (ip && ip.includes(':')) {
        found.add(ip);
        break;
      }
      token = token.replace(/:[^:]*$/, '');
    }
  }
  return found;
}

const check = new Pseudonymiser(new Uint8Array(32).fill(11));

function isKept(ip: string): boolean {
  if (!ip.includes(':')) {
    const value = ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    return check.mapV4(value) === value;
  }
  return ip === '::' || ip === '::1' || /^ff/i.test(ip);
}

/**
 * What the input's addresses become, and the networks of every prefix length around them
 * (a CIDR is printed with its host bits cleared): an address of the input found in the
 * output is a survivor only if it is none of these. The mapping is a bijection, so with a
 * few /16 networks in the input one of them may well be another's pseudonym.
 */
function imagesOf(addresses: Iterable<string>): Set<string> {
  const images = new Set<string>();
  for (const ip of addresses) {
    if (ip.includes(':')) {
      const bytes = ipv6Bytes(ip);
      const mapped = check.mapV6(bytes);
      for (let bits = 0; bits <= 128; bits++) {
        const masked = Uint8Array.from(mapped);
        for (let bit = bits; bit < 128; bit++)
          masked[bit >> 3] = masked[bit >> 3]! & ~(0x80 >> (bit & 7));
        images.add(canonicalIp(formatWords(masked))!);
      }
    } else {
      const mapped = check.mapV4(
        ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0),
      );
      for (let bits = 0; bits <= 32; bits++) {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const v = (mapped & mask) >>> 0;
        images.add(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
      }
    }
  }
  return images;
}

function ipv6Bytes(ip: string): Uint8Array {
  const words = parseIpv6(ip)!;
  return Uint8Array.from(words.flatMap((w) => [w >> 8, w & 255]));
}

function formatWords(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** The text with names, pseudonyms and every run of hex digits, dots and colons folded away. */
function skeleton(text: string, kindIsStrace: boolean): string {
  const names = [...p.names.mappings()].flatMap(({ name, pseudonym }) => [name, pseudonym]);
  // Hyphens bound names here, so a name replaced inside a longer word folds away too.
  const words = new RegExp(
    `(?<![A-Za-z0-9_])(?:${names
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .sort((a, b) => b.length - a.length)
      .join('|')})(?![A-Za-z0-9_])`,
    'gi',
  );
  return text
    .split('\n')
    .map((line) => (kindIsStrace ? emptyStraceBuffers(line).line : line))
    .map((line) => line.replace(words, 'W').replace(/[0-9A-Fa-f:.]+/g, 'X'))
    .join('\n');
}

async function evidenceOf(file: string, bytes: Uint8Array): Promise<EvidenceSet> {
  const collector = createEvidenceCollector({ correlateCaptures: false });
  await collector.add({
    path: file,
    sizeBytes: bytes.length,
    stream: (async function* () {
      yield await Promise.resolve(bytes);
    })(),
  });
  return collector.finish();
}

describe('text redaction of every real fixture', () => {
  it('found names to hide in the fixtures', () => {
    const known = p.names.knownByKind();
    expect(known.host).toBeGreaterThan(0);
    expect(known.namespace).toBeGreaterThan(0);
    expect(known.service).toBeGreaterThan(0);
    expect(known.pod).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.path, f] as const))('%s', async (_name, fixture) => {
    const input = fixture.bytes.toString('latin1');
    const output = redacted.get(fixture.path)!.toString('latin1');
    expect(output.split('\n').length).toBe(input.split('\n').length);

    const before = [...addressesIn(input)].filter((ip) => !isKept(ip));
    const after = addressesIn(output);
    const images = imagesOf(before);
    expect(before.filter((ip) => after.has(ip) && !images.has(ip))).toEqual([]);
    for (const ip of before.filter((ip) => !ip.includes(':') && !images.has(ip)))
      expect(output).not.toMatch(
        new RegExp(`(?<![\\w.])${ip.replaceAll('.', '\\.')}(?![\\w]|\\.\\d)`),
      );
    for (const { name } of p.names.mappings())
      expect(output.toLowerCase()).not.toMatch(
        new RegExp(`(?<![\\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w]|-\\w)`),
      );

    expect(skeleton(output, fixture.kind === 'strace')).toBe(
      skeleton(input, fixture.kind === 'strace'),
    );
    expect(
      detectArtifactKind(redacted.get(fixture.path)!.subarray(0, 65536), fixture.path).kind,
    ).toBe(fixture.kind);

    const original = await evidenceOf(fixture.path, fixture.bytes);
    const after2 = await evidenceOf(fixture.path, redacted.get(fixture.path)!);
    const shape = (e: EvidenceSet) => ({
      status: e.artifacts.map((a) => [a.status, a.unitsRead, a.issues.length]),
      sockets: e.sockets.length,
      conntrackEntries: e.conntrackEntries.length,
      conntrackEvents: e.conntrackEvents.length,
      rules: e.rulesets.map((r) => r.tables.map((t) => t.chains.map((c) => c.rules.length))),
      sysctls: e.sysctls.map((s) => Object.keys(s.values).length),
      logEvents: e.logEvents.map((l) => l.errorKind ?? null),
      syscalls: e.syscalls.length,
    });
    expect(shape(after2)).toEqual(shape(original));
  });
});
