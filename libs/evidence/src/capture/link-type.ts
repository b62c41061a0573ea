/** LINKTYPE_* values from the pcap/pcapng link-type registry that this reader decodes. */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  [LinkType.NULL]: 'NULL',
  [LinkType.EN10MB]: 'EN10MB',
  [LinkType.RAW]: 'RAW',
  [LinkType.LOOP]: 'LOOP',
  [LinkType.LINUX_SLL]: 'LINUX_SLL',
  [LinkType.IPV4]: 'IPV4',
  [LinkType.IPV6]: 'IPV6',
  [LinkType.NFLOG]: 'NFLOG',
  [LinkType.LINUX_SLL2]: 'LINUX_SLL2',
  // Some BSD-era writers used the DLT value 12 (or 14) for raw IP.
  12: 'RAW',
  14: 'RAW',
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `LINKTYPE_${linkType}`;
}

export function isSupportedLinkType(linkType: number): boolean {
  return NAMES[linkType] !== undefined;
}
