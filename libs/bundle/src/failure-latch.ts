/**
 * Keeps the first failure of an unpack. Once one thing fails, tearing the streams down makes
 * everything else fail too (premature close, aborted reads); those echoes must not replace
 * the cause the caller should see.
 */
export class FailureLatch {
  private failure: { error: unknown } | undefined;

  get failed(): boolean {
    return this.failure !== undefined;
  }

  get error(): unknown {
    return this.failure?.error;
  }

  /** Records `error` unless something failed first; returns the error that counts. */
  record(error: unknown): unknown {
    this.failure ??= { error };
    return this.failure.error;
  }

  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
