import { TextLineRedactor, type Pseudonymiser } from '@netmortem/evidence';

/**
 * Paths inside the redacted bundle: names and addresses in them are replaced like in file
 * contents (a Retina folder is named after its node, a capture may be named after a host),
 * and two paths never end up as one.
 */
export class RedactedPaths {
  private readonly redactor: TextLineRedactor;
  private readonly taken = new Set<string>();

  constructor(p: Pseudonymiser, reserved: readonly string[]) {
    this.redactor = new TextLineRedactor(p, { trailingPortAfterIpv6: false });
    for (const path of reserved) this.taken.add(path.toLowerCase());
  }

  of(relative: string): string {
    const redacted = this.redactor.redact(relative);
    let candidate = redacted;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) {
      const dot = redacted.lastIndexOf('.');
      const slash = redacted.lastIndexOf('/');
      candidate =
        dot > slash + 1
          ? `${redacted.slice(0, dot)}~${n}${redacted.slice(dot)}`
          : `${redacted}~${n}`;
    }
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
