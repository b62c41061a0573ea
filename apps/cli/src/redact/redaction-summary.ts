import type { RedactBundleResult } from './redact-bundle.js';
import type { RedactionKey } from './redaction-key.js';

/** The human summary printed on stderr (stdout carries only the output path). */
export function redactionSummary(
  result: RedactBundleResult,
  key: RedactionKey,
  keyFile?: string,
): string {
  const redacted = result.files.filter((file) => file.action === 'redacted');
  const omitted = result.files.filter((file) => file.action === 'omitted');
  const captures = redacted.filter((file) => file.packets !== undefined);
  const packets = captures.reduce((sum, file) => sum + (file.packets ?? 0), 0);
  const payload = captures.reduce((sum, file) => sum + (file.payloadBytesRemoved ?? 0), 0);
  const c = result.counts;
  const names = Object.entries(c.names.known)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  const lines = [
    `redacted ${redacted.length} file${redacted.length === 1 ? '' : 's'}` +
      (captures.length > 0
        ? ` (${captures.length} capture${captures.length === 1 ? '' : 's'}: ${packets} packets, ${payload} payload bytes removed)`
        : ''),
    `replaced ${c.ipv4.distinct} IPv4 and ${c.ipv6.distinct} IPv6 addresses, ${c.ports.distinct} ports, ${c.macs.distinct} MAC addresses${names ? `, names: ${names}` : ''}`,
  ];
  for (const file of omitted)
    lines.push(`left out ${file.path}: ${file.reason ?? 'cannot be redacted'}`);
  for (const file of redacted) {
    if (file.complete === false)
      lines.push(`partial ${file.path}: ${file.reason ?? 'damaged capture'}`);
  }
  lines.push(
    key.origin === 'random'
      ? `key: drawn for this run only (fingerprint ${result.keyFingerprint}); use --key-file to share pseudonyms across bundles`
      : `key: ${keyFile ?? ''}${key.origin === 'created' ? ' (created)' : ''}, fingerprint ${result.keyFingerprint}`,
  );
  return `${lines.join('\n')}\n`;
}
