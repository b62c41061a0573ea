import { Readable, Writable } from 'node:stream';

/**
 * The stream an entry callback reads, fed by the end of an internal pipeline. Keeping the
 * two apart means the callback only ever sees errors unpackBundle chose to give it (already
 * translated to BundleError), and that a callback which stops reading early does not stall
 * or tear down the archive: the rest is drained, still counted against the limits.
 */
export class EntryOutlet {
  readonly readable: Readable;
  readonly writable: Writable;
  private pendingWrite: (() => void) | undefined;
  private discarding = false;

  constructor(count: (bytes: number) => void) {
    this.readable = new Readable({
      read: () => this.releaseWrite(),
      destroy: (error, done) => {
        this.discarding = true;
        this.releaseWrite();
        done(error);
      },
    });
    // A callback that never listens for errors must not crash the process; unpackBundle
    // rejects with the same error anyway.
    this.readable.on('error', () => undefined);

    this.writable = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        try {
          count(chunk.length);
        } catch (error) {
          done(error as Error);
          return;
        }
        if (this.discarding || this.readable.destroyed) {
          done();
          return;
        }
        if (this.readable.push(chunk)) done();
        else this.pendingWrite = done;
      },
      final: (done) => {
        if (!this.discarding && !this.readable.destroyed) this.readable.push(null);
        done();
      },
    });
  }

  /** The callback is finished with the entry; whatever it left unread is drained. */
  discardRest(): void {
    if (this.readable.readableEnded) return;
    this.discarding = true;
    this.readable.destroy();
  }

  fail(error: Error): void {
    this.discarding = true;
    this.readable.destroy(error);
  }

  private releaseWrite(): void {
    const write = this.pendingWrite;
    this.pendingWrite = undefined;
    write?.();
  }
}
