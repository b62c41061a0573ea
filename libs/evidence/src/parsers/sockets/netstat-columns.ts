/**
 * Which optional columns a netstat listing has, from its header: -e adds User and Inode,
 * -p adds "PID/Program name", -o adds Timer. Without a header (a pasted excerpt) the rows
 * are read on their own: -p and -o leave recognisable shapes at the end of a row.
 */
export interface NetstatColumns {
  readonly user: boolean;
  readonly inode: boolean;
  readonly program: boolean;
  readonly timer: boolean;
}

export const HEADERLESS: NetstatColumns = {
  user: false,
  inode: false,
  program: false,
  timer: false,
};

export function isNetstatHeader(line: string): boolean {
  return line.startsWith('Proto ') && line.includes('Recv-Q');
}

export function readNetstatHeader(line: string): NetstatColumns {
  return {
    user: /\bUser\b/.test(line),
    inode: /\bInode\b/.test(line),
    program: line.includes('PID/Program name'),
    timer: /\bTimer\b/.test(line),
  };
}
