/**
 * Addresses are compared across artifacts (pcap, conntrack, ss, logs), so every parser writes
 * them the way `inet_ntop` does: IPv4 dotted decimal, IPv6 in RFC 5952 form (lower case,
 * longest zero run compressed). The kernel's LOG target prints IPv6 fully expanded, for one.
 */
export function canonicalIp(text: string): string | undefined {
  return text.includes(':') ? canonicalIpv6(text) : canonicalIpv4(text);
}

export function canonicalIpv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    octets.push(value);
  }
  return octets.join('.');
}

export function canonicalIpv6(text: string): string | undefined {
  const zoneless = text.split('%')[0] ?? '';
  const groups = ipv6Groups(zoneless.toLowerCase());
  return groups ? formatIpv6(groups) : undefined;
}

function ipv6Groups(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroupList(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroupList(halves[1] ?? '', true) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

// The last group may be an embedded IPv4 address (`::ffff:10.0.0.1`).
function parseGroupList(text: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (mayEndWithIpv4 && index === parts.length - 1 && part.includes('.')) {
      const v4 = canonicalIpv4(part);
      if (!v4) return undefined;
      const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
      groups.push((a << 8) | b, (c << 8) | d);
    } else {
      if (!/^[0-9a-f]{1,4}$/.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

function formatIpv6(groups: number[]): string {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6] ?? 0, groups[7] ?? 0];
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 1;
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
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
