import { formatLocator, type Locator } from '../artifact/locator.js';

/**
 * Base of every error netmortem raises on purpose. `code` is stable and machine-readable;
 * `context` carries what a person needs to act on it (ids, paths, limits).
 */
export class NetmortemError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The input itself is unusable: retrying cannot help. Carries the locator of the bad byte
 * or line so the message can name it.
 */
export class BadInputError extends NetmortemError {
  constructor(
    code: string,
    message: string,
    readonly locator?: Locator,
    context: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, locator ? `${formatLocator(locator)}: ${message}` : message, context, options);
  }
}

export function isBadInputError(error: unknown): error is BadInputError {
  return error instanceof BadInputError;
}
