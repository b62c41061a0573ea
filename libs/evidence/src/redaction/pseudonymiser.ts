import { formatIpv6Words } from '../capture/ip-address.js';
import { AddressPseudonymiser } from './address-pseudonymiser.js';
import { MacPseudonymiser } from './mac-pseudonymiser.js';
import { NameRegistry, type NameKind } from './name-registry.js';
import { PortPseudonymiser } from './port-pseudonymiser.js';

/** How much was replaced, by kind of thing: what REDACTED.json reports (never the values). */
export interface RedactionCounts {
  ipv4: { distinct: number; occurrences: number };
  ipv6: { distinct: number; occurrences: number };
  ports: { distinct: number; occurrences: number };
  macs: { distinct: number; occurrences: number };
  names: {
    known: Partial<Record<NameKind, number>>;
    occurrences: Partial<Record<NameKind, number>>;
  };
}

/** The full mapping, for the data owner only (`--mapping-out`). */
export interface RedactionMapping {
  addresses: Record<string, string>;
  ports: Record<string, number>;
  macs: Record<string, string>;
  names: Record<string, { kind: NameKind; pseudonym: string }>;
}

/**
 * Every mapping of one redaction run, under one secret key: the same address, port, MAC or
 * name gets the same pseudonym in every artifact (and in every bundle redacted with the same
 * key). Deterministic: no clock, no randomness beyond the key the caller passes in.
 */
export class Pseudonymiser {
  readonly addresses: AddressPseudonymiser;
  readonly ports: PortPseudonymiser;
  readonly macs: MacPseudonymiser;
  readonly names: NameRegistry;
  private v4Uses = 0;
  private v6Uses = 0;
  private portUses = 0;
  private macUses = 0;

  constructor(secret: Uint8Array) {
    this.addresses = new AddressPseudonymiser(secret);
    this.ports = new PortPseudonymiser(secret);
    this.macs = new MacPseudonymiser(secret);
    this.names = new NameRegistry(secret);
  }

  mapV4(address: number): number {
    this.v4Uses += 1;
    return this.addresses.mapV4(address);
  }

  mapV6(bytes: Uint8Array): Uint8Array {
    this.v6Uses += 1;
    return this.addresses.mapV6(bytes);
  }

  mapPort(port: number): number {
    this.portUses += 1;
    return this.ports.map(port);
  }

  /** The four bytes at `at`, in place. */
  rewriteV4(b: Uint8Array, at: number): void {
    const address = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    const mapped = this.mapV4(address);
    b[at] = mapped >>> 24;
    b[at + 1] = (mapped >>> 16) & 255;
    b[at + 2] = (mapped >>> 8) & 255;
    b[at + 3] = mapped & 255;
  }

  /** The sixteen bytes at `at`, in place. */
  rewriteV6(b: Uint8Array, at: number): void {
    b.set(this.mapV6(b.subarray(at, at + 16)), at);
  }

  /** The big-endian port at `at`, in place. */
  rewritePort(b: Uint8Array, at: number): void {
    const mapped = this.mapPort((b[at]! << 8) | b[at + 1]!);
    b[at] = mapped >> 8;
    b[at + 1] = mapped & 255;
  }

  rewriteMac(b: Uint8Array, at: number): void {
    this.macUses += 1;
    this.macs.rewrite(b, at);
  }

  counts(): RedactionCounts {
    return {
      ipv4: { distinct: this.addresses.distinctV4, occurrences: this.v4Uses },
      ipv6: { distinct: this.addresses.distinctV6, occurrences: this.v6Uses },
      ports: { distinct: this.ports.distinct, occurrences: this.portUses },
      macs: { distinct: this.macs.distinct, occurrences: this.macUses },
      names: {
        known: this.names.knownByKind(),
        occurrences: Object.fromEntries(this.names.replaced),
      },
    };
  }

  mapping(): RedactionMapping {
    const mapping: RedactionMapping = { addresses: {}, ports: {}, macs: {}, names: {} };
    for (const { version, from, to } of this.addresses.mappings()) {
      const text = version === 4 ? formatV4Bytes : formatV6Bytes;
      mapping.addresses[text(from)] = text(to);
    }
    for (const [from, to] of this.ports.mappings()) mapping.ports[String(from)] = to;
    for (const [from, to] of this.macs.mappings()) mapping.macs[formatMac(from)] = formatMac(to);
    for (const { name, kind, pseudonym } of this.names.mappings())
      mapping.names[name] = { kind, pseudonym };
    return mapping;
  }
}

function formatV4Bytes(b: Uint8Array): string {
  return Array.from(b.subarray(0, 4)).join('.');
}

function formatV6Bytes(b: Uint8Array): string {
  const word = (i: number) =>
    ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  return formatIpv6Words(word(0), word(4), word(8), word(12));
}

function formatMac(b: Uint8Array): string {
  return Array.from(b, (byte) => byte.toString(16).padStart(2, '0')).join(':');
}
