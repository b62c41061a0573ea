/** Paths inside an unpacked bundle, written with `/` whatever the archive used. */
export function pathSegments(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
}

export function joinSegments(segments: readonly string[]): string {
  return segments.join('/');
}

export function baseName(path: string): string {
  const segments = pathSegments(path);
  return segments[segments.length - 1] ?? '';
}

export function parentOf(path: string): string {
  return joinSegments(pathSegments(path).slice(0, -1));
}
