import { once } from 'node:events';

const FLUSH_AT = 256 * 1024;

/**
 * Writes one JSON object piece by piece: ordinary fields, and arrays whose elements arrive
 * one at a time (e.g. flows as a capture is read), so a gigabyte capture never turns into
 * one giant string or a list held whole in memory.
 */
export class JsonObjectWriter {
  private pending: string[] = [];
  private pendingLength = 0;
  private fields = 0;
  private openArray: { count: number } | undefined;

  constructor(private readonly out: NodeJS.WritableStream) {
    this.append('{');
  }

  /** Starts an array field; `item` adds to it until the next field or `end`. */
  beginArray(key: string): void {
    this.closeArray();
    this.key(key);
    this.append('[');
    this.openArray = { count: 0 };
  }

  /** Adds an element to the open array; synchronous, for callers inside a parsing loop. */
  item(value: unknown): void {
    if (!this.openArray) throw new Error('JsonObjectWriter.item() outside an array');
    this.append(`${this.openArray.count === 0 ? '' : ','}${JSON.stringify(value) ?? 'null'}`);
    this.openArray.count += 1;
    if (this.pendingLength >= FLUSH_AT) this.out.write(this.take());
  }

  /** Resolves once the output has taken what was written (backpressure for producers). */
  async ready(): Promise<void> {
    if ((this.out as NodeJS.WritableStream & { writableNeedDrain?: boolean }).writableNeedDrain) {
      await once(this.out, 'drain');
    }
  }

  async field(key: string, value: unknown): Promise<void> {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      this.beginArray(key);
      for (const element of value) {
        this.item(element);
        await this.drain();
      }
      this.closeArray();
      return;
    }
    this.closeArray();
    this.key(key);
    this.append(JSON.stringify(value));
    await this.drain();
  }

  async end(): Promise<void> {
    this.closeArray();
    this.append('}\n');
    const rest = this.take();
    if (!this.out.write(rest)) await once(this.out, 'drain');
  }

  private key(key: string): void {
    this.append(`${this.fields === 0 ? '' : ','}${JSON.stringify(key)}:`);
    this.fields += 1;
  }

  private closeArray(): void {
    if (!this.openArray) return;
    this.append(']');
    this.openArray = undefined;
  }

  private append(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
  }

  private take(): string {
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    return text;
  }

  private async drain(): Promise<void> {
    if (this.pendingLength < FLUSH_AT) return;
    if (!this.out.write(this.take())) await once(this.out, 'drain');
  }
}

/** A whole object, with its arrays written element by element. */
export async function writeJsonObject(
  out: NodeJS.WritableStream,
  document: Readonly<Record<string, unknown>>,
): Promise<void> {
  const writer = new JsonObjectWriter(out);
  for (const [key, value] of Object.entries(document)) await writer.field(key, value);
  await writer.end();
}
