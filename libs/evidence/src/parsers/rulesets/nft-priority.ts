// Named base-chain priorities (nft(8), "CHAIN PRIORITIES"); the bridge family has its own.
const NAMED: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};
const BRIDGE: Readonly<Record<string, number>> = {
  dstnat: -300,
  filter: -200,
  out: 100,
  srcnat: 300,
};

/** `filter`, `-100`, `mangle - 5`, `dstnat+10` → a number; undefined when unreadable. */
export function chainPriority(text: string, family: string): number | undefined {
  const m = /^([a-z]+|-?\d+)\s*(?:([+-])\s*(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const names = family === 'bridge' ? BRIDGE : NAMED;
  const base = /^-?\d+$/.test(m[1] ?? '') ? Number(m[1]) : names[m[1] ?? ''];
  if (base === undefined) return undefined;
  const offset = m[2] ? Number(m[3]) * (m[2] === '-' ? -1 : 1) : 0;
  return base + offset;
}
