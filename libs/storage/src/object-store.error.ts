import { BadInputError, NetmortemError } from '@netmortem/domain';

export class ObjectTooLargeError extends BadInputError {
  constructor(readonly maxBytes: number) {
    super('OBJECT_TOO_LARGE', `the upload exceeds the size limit of ${maxBytes} bytes`, undefined, {
      maxBytes,
    });
  }
}

export class ObjectNotFoundError extends NetmortemError {
  constructor(key: string) {
    super('OBJECT_NOT_FOUND', `no stored object has the key ${key}`, { key });
  }
}

export class InvalidObjectKeyError extends NetmortemError {
  constructor(key: string) {
    super('INVALID_OBJECT_KEY', `"${key}" is not a content key (sha256/<64 hex digits>)`, { key });
  }
}
