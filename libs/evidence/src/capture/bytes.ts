// Field readers for the hot path. Plain byte arithmetic on a Uint8Array is what V8 inlines
// best; callers check bounds first, so these never read past the end.

export function u16be(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

export function u32be(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

export function u16le(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}

export function u32le(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) |
      ((b[at + 1] as number) << 8) |
      ((b[at + 2] as number) << 16) |
      ((b[at + 3] as number) << 24)) >>>
    0
  );
}

export function u16(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? u16le(b, at) : u16be(b, at);
}

export function u32(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? u32le(b, at) : u32be(b, at);
}
