/**
 * One line of a sysctl dump, in any of the shapes bundles carry:
 *  - `net.ipv4.tcp_keepalive_time = 7200` (sysctl -a, sysctl net, sysctl <keys>)
 *  - `net.ipv4.ip_forward=1` (sysctl.conf style, `sysctl -e -N`-less scripts)
 *  - `/proc/sys/net/ipv4/tcp_keepalive_time:7200` (`grep -r . /proc/sys/net`)
 *  - `==> /proc/sys/net/ipv4/tcp_keepalive_time <==` before its value (`head /proc/sys/...`)
 *  - `sysctl: cannot stat /proc/sys/…: No such file or directory` and other complaints.
 */
export type SysctlLine =
  | { readonly kind: 'setting'; readonly key: string; readonly value: string }
  | { readonly kind: 'path-header'; readonly key: string }
  | { readonly kind: 'complaint'; readonly message: string }
  | { readonly kind: 'comment' }
  | { readonly kind: 'other' };

const PROC_SYS = '/proc/sys/';
// Keys are dotted words; interface names inside them may hold `-`, `/` (for a `.`), `@`, `:`.
const KEY = /^[A-Za-z0-9_][\w\-/@:+]*(?:\.[\w\-/@:+]+)+$/;

export function readSysctlLine(text: string): SysctlLine {
  const line = text.trimStart();
  if (line === '' || line.startsWith('#') || line.startsWith(';')) return { kind: 'comment' };
  if (line.startsWith('sysctl: ') || line.startsWith('grep: ')) {
    return { kind: 'complaint', message: line.length > 200 ? `${line.slice(0, 200)}…` : line };
  }
  if (line.startsWith('==> ') && line.endsWith(' <==')) {
    const key = keyFromPath(line.slice(4, -4));
    return key ? { kind: 'path-header', key } : { kind: 'other' };
  }
  if (line.startsWith(PROC_SYS)) {
    const colon = line.indexOf(':', PROC_SYS.length);
    if (colon === -1) return { kind: 'other' };
    const key = keyFromPath(line.slice(0, colon));
    return key ? { kind: 'setting', key, value: line.slice(colon + 1) } : { kind: 'other' };
  }
  const spaced = line.indexOf(' = ');
  if (spaced > 0) return setting(line.slice(0, spaced), line.slice(spaced + 3));
  // `key = ` with an empty value: sysctl still prints the separator's leading space.
  if (line.endsWith(' =')) return setting(line.slice(0, -2), '');
  const equals = line.indexOf('=');
  if (equals > 0)
    return setting(line.slice(0, equals).trimEnd(), line.slice(equals + 1).trimStart());
  return { kind: 'other' };
}

function setting(key: string, value: string): SysctlLine {
  return KEY.test(key) ? { kind: 'setting', key, value } : { kind: 'other' };
}

/**
 * `/proc/sys/net/ipv4/conf/eth0.100/rp_filter` → `net.ipv4.conf.eth0/100.rp_filter`: sysctl
 * shows a dot inside a path component as `/`, so the two spellings map one to one.
 */
export function keyFromPath(path: string): string | undefined {
  if (!path.startsWith(PROC_SYS)) return undefined;
  const parts = path.slice(PROC_SYS.length).split('/');
  if (parts.length < 2 || parts.some((part) => part === '')) return undefined;
  return parts.map((part) => part.replaceAll('.', '/')).join('.');
}
