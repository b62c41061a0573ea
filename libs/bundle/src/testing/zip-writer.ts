import { crc32, deflateRawSync } from 'node:zlib';

/** One member of a hand-built zip; the overrides exist to build broken and hostile archives. */
export interface ZipMemberSpec {
  readonly name: string;
  readonly data?: Buffer;
  readonly method?: 'stored' | 'deflate';
  /** Unix mode (type and permission bits) stored in the external attributes. */
  readonly unixMode?: number;
  readonly flags?: number;
  readonly crc32?: number;
  readonly uncompressedSize?: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const MADE_BY_UNIX = (3 << 8) | 20;
const UTF8_NAMES = 0x800;

interface Written {
  readonly spec: ZipMemberSpec;
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly offset: number;
}

/**
 * A minimal zip writer (no zip64, no data descriptors) for tests, used where the `zip` binary
 * is missing or cannot produce the hostile layout a test needs.
 */
export function buildZip(members: readonly ZipMemberSpec[]): Buffer {
  const parts: Buffer[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const spec of members) {
    const data = spec.data ?? Buffer.alloc(0);
    const method = spec.method === 'deflate' ? 8 : 0;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const entry: Written = {
      spec,
      name: Buffer.from(spec.name, 'utf8'),
      method,
      crc: spec.crc32 ?? crc32(data),
      compressedSize: stored.length,
      uncompressedSize: spec.uncompressedSize ?? data.length,
      offset,
    };
    const header = localHeader(entry);
    parts.push(header, stored);
    written.push(entry);
    offset += header.length + stored.length;
  }
  return Buffer.concat([...parts, centralDirectory(written, offset)]);
}

/**
 * A non-recursive zip bomb in the style of Fifield's: one compressed kernel, listed `copies`
 * times by the central directory, every listing pointing at the same local header.
 */
export function buildOverlappingZip(kernel: Buffer, copies: number): Buffer {
  const stored = deflateRawSync(kernel);
  const first: Written = {
    spec: { name: 'kernel-0' },
    name: Buffer.from('kernel-0'),
    method: 8,
    crc: crc32(kernel),
    compressedSize: stored.length,
    uncompressedSize: kernel.length,
    offset: 0,
  };
  const header = localHeader(first);
  const listings = Array.from({ length: copies }, (_, index) => ({
    ...first,
    spec: { name: `kernel-${index}` },
    name: Buffer.from(`kernel-${index}`),
  }));
  return Buffer.concat([header, stored, centralDirectory(listings, header.length + stored.length)]);
}

function localHeader(entry: Written): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE((entry.spec.flags ?? 0) | UTF8_NAMES, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12);
  header.writeUInt32LE(entry.crc >>> 0, 14);
  header.writeUInt32LE(entry.compressedSize, 18);
  header.writeUInt32LE(entry.uncompressedSize, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, entry.name]);
}

function centralDirectory(entries: readonly Written[], offset: number): Buffer {
  const records = entries.map((entry) => {
    const record = Buffer.alloc(46);
    record.writeUInt32LE(CENTRAL_HEADER, 0);
    record.writeUInt16LE(MADE_BY_UNIX, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE((entry.spec.flags ?? 0) | UTF8_NAMES, 8);
    record.writeUInt16LE(entry.method, 10);
    record.writeUInt16LE(0, 12);
    record.writeUInt16LE(0x21, 14);
    record.writeUInt32LE(entry.crc >>> 0, 16);
    record.writeUInt32LE(entry.compressedSize, 20);
    record.writeUInt32LE(entry.uncompressedSize, 24);
    record.writeUInt16LE(entry.name.length, 28);
    record.writeUInt32LE(((entry.spec.unixMode ?? 0o100644) << 16) >>> 0, 38);
    record.writeUInt32LE(entry.offset, 42);
    return Buffer.concat([record, entry.name]);
  });
  const directory = Buffer.concat(records);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([directory, end]);
}
