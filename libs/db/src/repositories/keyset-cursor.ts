import { BadInputError } from '@netmortem/domain';

export interface KeysetPosition {
  readonly at: Date;
  readonly id: string;
}

/** Opaque to clients: base64url of `<iso time>|<id>`. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (!id || Number.isNaN(at.getTime())) {
    throw new BadInputError('INVALID_CURSOR', `cursor "${cursor}" is not one this API issued`);
  }
  return { at, id };
}
