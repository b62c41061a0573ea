/**
 * Values that are secrets or unique identifiers of a machine, not network facts: the TCP
 * Fast Open key, the boot id, a random UUID. Their hex digits become zeros (the shape stays,
 * so the line still parses as a sysctl).
 */
const SECRET_KEYS =
  /(?:^|[./])(?:tcp_fastopen_key|boot_id|random[./]uuid|machine-id|machine_id)\s*(?:=|$)/;
const SECRET_PATH = /(?:^|\/)(?:tcp_fastopen_key|boot_id|uuid|machine-id)$/;

/** Whether a sysctl line (`key = value`) holds a secret. */
export function isSecretSysctlLine(line: string): boolean {
  const eq = line.indexOf('=');
  const key = eq < 0 ? line.trim() : line.slice(0, eq).trim();
  return eq > 0 && SECRET_KEYS.test(`${key} =`);
}

/** Whether a file is a copy of one secret value (Retina's proc-sys-net copies). */
export function isSecretPath(path: string): boolean {
  return SECRET_PATH.test(path);
}

/** The value part (after `=`, or the whole line) with its hex digits zeroed. */
export function blankSecret(line: string, wholeLine: boolean): string {
  const eq = wholeLine ? -1 : line.indexOf('=');
  return line.slice(0, eq + 1) + line.slice(eq + 1).replace(/[0-9a-fA-F]/g, '0');
}
