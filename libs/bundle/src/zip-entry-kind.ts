import type yauzl from 'yauzl';

export type ZipEntryKind = 'file' | 'directory' | 'symlink' | 'special';

const MADE_BY_UNIX = 3;
const FILE_TYPE_MASK = 0o170000;
const UNIX_TYPES: Readonly<Record<number, ZipEntryKind>> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
};
const MSDOS_DIRECTORY = 0x10;

/**
 * A zip has no entry type field: Info-ZIP stores the Unix mode in the upper half of the
 * external attributes when "made by" says Unix; a trailing slash or the MS-DOS directory
 * bit marks directories from other tools.
 */
export function zipEntryKind(entry: yauzl.Entry): ZipEntryKind {
  if (entry.fileName.endsWith('/')) return 'directory';
  if (entry.versionMadeBy >> 8 === MADE_BY_UNIX) {
    const fileType = (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK;
    // Some tools leave the mode empty; that is a plain file.
    if (fileType !== 0) return UNIX_TYPES[fileType] ?? 'special';
  }
  return (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0 ? 'directory' : 'file';
}

export function isEncrypted(entry: yauzl.Entry): boolean {
  return (entry.generalPurposeBitFlag & 0x1) !== 0;
}
