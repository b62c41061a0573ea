/** Textual IPv4 / IPv6 addresses to bytes (the lab's own addresses; no zone ids). */
export function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new TypeError(`not an IPv4 address: ${address}`);
  return Uint8Array.from(parts);
}

export function ipv6Bytes(address: string): Uint8Array {
  const halves = address.split('::');
  if (halves.length > 2) throw new TypeError(`not an IPv6 address: ${address}`);
  const words = (text: string | undefined): number[] =>
    text === undefined || text === '' ? [] : text.split(':').map((w) => parseInt(w, 16));
  const head = words(halves[0]);
  const tail = words(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  if (all.length !== 8 || all.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff))
    throw new TypeError(`not an IPv6 address: ${address}`);
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':').map((p) => parseInt(p, 16));
  if (parts.length !== 6 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new TypeError(`not a MAC address: ${mac}`);
  return Uint8Array.from(parts);
}
