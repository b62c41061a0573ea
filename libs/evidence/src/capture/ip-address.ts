/** Dotted quad of a 32-bit address. */
export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** An address held as words (IPv4: word 0 only), as the flow table and view keep them. */
export function formatAddress(version: number, w0: number, w1: number, w2: number, w3: number) {
  return version === 4 ? formatIpv4(w0) : formatIpv6Words(w0, w1, w2, w3);
}

/** IPv6 as inet_ntop prints it: lower case, longest zero run as `::`, embedded IPv4 kept dotted. */
export function formatIpv6Words(w0: number, w1: number, w2: number, w3: number): string {
  const groups = [
    w0 >>> 16,
    w0 & 0xffff,
    w1 >>> 16,
    w1 & 0xffff,
    w2 >>> 16,
    w2 & 0xffff,
    w3 >>> 16,
    w3 & 0xffff,
  ];
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestStart = -1;
  // glibc prints ::a.b.c.d and ::ffff:a.b.c.d (IPv4-compatible and IPv4-mapped) dotted.
  const embedsIpv4 =
    bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff));
  const last = embedsIpv4 ? 6 : 8;
  let text = '';
  for (let i = 0; i < last; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(':')) text += ':';
    text += (groups[i] as number).toString(16);
  }
  if (embedsIpv4) {
    if (!text.endsWith(':')) text += ':';
    text += formatIpv4(w3);
  }
  return text;
}

/** 16 address bytes (e.g. from a pcapng name record). */
export function formatIpv6Bytes(b: Uint8Array): string {
  const word = (i: number) =>
    (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>>
    0;
  return formatIpv6Words(word(0), word(4), word(8), word(12));
}
