import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * yauzl behind promises, one entry at a time. yauzl emits errors on the zip file object at
 * any moment (also while nobody waits for an entry), so one listener stays attached for the
 * whole life of the archive and every wait checks it.
 */
export class ZipArchive {
  private failure: { error: Error } | undefined;
  private closed = false;
  private readonly closing: Promise<void>;

  private constructor(private readonly zip: yauzl.ZipFile) {
    zip.on('error', (error: Error) => {
      this.failure ??= { error };
    });
    this.closing = new Promise((resolve) => zip.once('close', () => resolve()));
  }

  static open(path: string): Promise<ZipArchive> {
    return new Promise((resolve, reject) => {
      yauzl.open(
        path,
        {
          lazyEntries: true,
          // Closed explicitly, so a failure half-way cannot leak the descriptor.
          autoClose: false,
          // Backslashes are refused rather than turned into separators.
          strictFileNames: true,
          validateEntrySizes: true,
          decodeStrings: true,
        },
        (error, zip) => (error ? reject(error) : resolve(new ZipArchive(zip))),
      );
    });
  }

  get entryCount(): number {
    return this.zip.entryCount;
  }

  /** Offset of the next central directory record, for messages about a bad directory. */
  get centralDirectoryCursor(): number {
    return Number(this.zip.readEntryCursor);
  }

  /** The next central directory entry, or undefined after the last one. */
  next(): Promise<yauzl.Entry | undefined> {
    if (this.failure) return Promise.reject(this.failure.error);
    return new Promise((resolve, reject) => {
      const settle = () => {
        this.zip.off('entry', onEntry);
        this.zip.off('end', onEnd);
        this.zip.off('error', onError);
      };
      const onEntry = (entry: yauzl.Entry) => {
        settle();
        resolve(entry);
      };
      const onEnd = () => {
        settle();
        resolve(undefined);
      };
      const onError = (error: Error) => {
        settle();
        reject(error);
      };
      this.zip.on('entry', onEntry);
      this.zip.on('end', onEnd);
      this.zip.on('error', onError);
      this.zip.readEntry();
    });
  }

  localHeader(entry: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
    return new Promise((resolve, reject) => {
      this.zip.readLocalFileHeader(entry, { minimal: false }, (error, header) =>
        error ? reject(error) : resolve(header),
      );
    });
  }

  /** The member's stored (still compressed) bytes; decompression is ours, to meter it. */
  openRaw(fileDataStart: number, compressedSize: number): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.zip.openReadStreamLowLevel(
        fileDataStart,
        compressedSize,
        0,
        compressedSize,
        false,
        null,
        (error, stream) => (error ? reject(error) : resolve(stream)),
      );
    });
  }

  /** Closes the descriptor; resolves once it is closed (all member streams must be done). */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.zip.close();
    }
    await this.closing;
  }
}
