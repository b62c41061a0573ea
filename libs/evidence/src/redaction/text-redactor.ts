import type { ArtifactKind } from '@netmortem/domain';
import { PROC_NET_HEADER, redactProcNetRow } from './proc-net-sockets.js';
import type { Pseudonymiser } from './pseudonymiser.js';
import { blankSecret, isSecretPath, isSecretSysctlLine } from './secret-values.js';
import { emptyStraceBuffers } from './strace-buffers.js';
import { TextLineRedactor } from './text-line-redactor.js';

export interface TextRedactionOptions {
  readonly kind: ArtifactKind;
  /** The artifact's path in the bundle (a /proc/sys copy named after a secret is blanked). */
  readonly path: string;
}

export interface TextRedactionSummary {
  readonly lines: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** strace read/write buffers whose contents were removed. */
  readonly buffersEmptied: number;
  /** Secret values (TCP Fast Open key, boot id…) zeroed. */
  readonly secretsBlanked: number;
}

/** Formats whose unbracketed IPv6 addresses carry a trailing `:port`. */
const TRAILING_PORT_KINDS: ReadonlySet<ArtifactKind> = new Set([
  'ss',
  'netstat',
  'app-log',
  'unknown',
]);
/** A line this long without a newline is redacted in pieces, cut at a space. */
const MAX_PENDING = 1024 * 1024;

/**
 * Redacts a text artifact chunk by chunk, line by line. Bytes are handled as latin1 (one
 * char per byte), so non-UTF-8 input and every byte that is not an address, port or name
 * come out exactly as they went in, line endings included.
 */
export class TextRedactor {
  private readonly lines: TextLineRedactor;
  private pending = '';
  private procNet = false;
  private readonly strace: boolean;
  private readonly secretFile: boolean;
  private count = { lines: 0, bytesIn: 0, bytesOut: 0, buffersEmptied: 0, secretsBlanked: 0 };

  constructor(
    private readonly p: Pseudonymiser,
    options: TextRedactionOptions,
  ) {
    this.lines = new TextLineRedactor(p, {
      trailingPortAfterIpv6: TRAILING_PORT_KINDS.has(options.kind),
    });
    this.strace = options.kind === 'strace';
    this.secretFile = isSecretPath(options.path);
  }

  push(chunk: Uint8Array): Uint8Array {
    this.count.bytesIn += chunk.length;
    const text =
      this.pending +
      Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    let out = '';
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      out += `${this.line(text.slice(start, nl))}\n`;
      start = nl + 1;
    }
    this.pending = text.slice(start);
    if (this.pending.length > MAX_PENDING) {
      // A giant line: redact up to its last space (a literal never spans one).
      let cut = this.pending.lastIndexOf(' ', this.pending.length - 1);
      if (cut < this.pending.length - 65536) cut = this.pending.length;
      out += this.lines.redact(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
    return this.encode(out);
  }

  finish(): { tail: Uint8Array; summary: TextRedactionSummary } {
    const tail = this.pending.length > 0 ? this.encode(this.line(this.pending)) : new Uint8Array(0);
    this.pending = '';
    return { tail, summary: { ...this.count } };
  }

  private line(raw: string): string {
    this.count.lines += 1;
    let line = raw;
    if (this.secretFile) {
      line = blankSecret(line, true);
      this.count.secretsBlanked += 1;
    } else if (isSecretSysctlLine(line)) {
      line = blankSecret(line, false);
      this.count.secretsBlanked += 1;
    }
    if (this.strace) {
      const emptied = emptyStraceBuffers(line);
      line = emptied.line;
      this.count.buffersEmptied += emptied.emptied;
    }
    if (PROC_NET_HEADER.test(line)) this.procNet = true;
    else if (this.procNet) line = redactProcNetRow(line, this.p);
    return this.lines.redact(line);
  }

  private encode(text: string): Uint8Array {
    const bytes = Buffer.from(text, 'latin1');
    this.count.bytesOut += bytes.length;
    return bytes;
  }
}

/** Redacts a text stream; yields the redacted bytes and returns the summary. */
export async function* redactText(
  source: AsyncIterable<Uint8Array>,
  p: Pseudonymiser,
  options: TextRedactionOptions,
): AsyncGenerator<Uint8Array, TextRedactionSummary, undefined> {
  const redactor = new TextRedactor(p, options);
  for await (const chunk of source) {
    const out = redactor.push(chunk);
    if (out.length > 0) yield out;
  }
  const { tail, summary } = redactor.finish();
  if (tail.length > 0) yield tail;
  return summary;
}
