// Multi-byte fields in either byte order, for the capture framers' headers.

export function u32(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function u16(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

export function setU32(b: Uint8Array, at: number, value: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[at] = value & 255;
    b[at + 1] = (value >>> 8) & 255;
    b[at + 2] = (value >>> 16) & 255;
    b[at + 3] = value >>> 24;
  } else {
    b[at] = value >>> 24;
    b[at + 1] = (value >>> 16) & 255;
    b[at + 2] = (value >>> 8) & 255;
    b[at + 3] = value & 255;
  }
}

export function setU16(b: Uint8Array, at: number, value: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[at] = value & 255;
    b[at + 1] = value >> 8;
  } else {
    b[at] = value >> 8;
    b[at + 1] = value & 255;
  }
}
