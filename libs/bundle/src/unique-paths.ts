/**
 * Archives may list the same path twice (tar appends, zip tools differ). Nothing is dropped:
 * the second `a/ss.txt` becomes `a/ss~2.txt`, the third `a/ss~3.txt`; the counter sits
 * before the last extension so content-type guesses from the name still work.
 */
export class UniquePaths {
  private readonly taken = new Set<string>();
  /** Next copy number per original path, so 10 000 identical names stay linear. */
  private readonly nextCopy = new Map<string, number>();

  claim(path: string): string {
    let candidate = path;
    let copy = this.nextCopy.get(path) ?? 2;
    while (this.taken.has(candidate)) {
      candidate = withCopySuffix(path, copy);
      copy += 1;
    }
    this.nextCopy.set(path, copy);
    this.taken.add(candidate);
    return candidate;
  }
}

function withCopySuffix(path: string, copy: number): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  // A leading dot (".bashrc") is part of the name, not an extension.
  const hasExtension = dot > slash + 1;
  return hasExtension ? `${path.slice(0, dot)}~${copy}${path.slice(dot)}` : `${path}~${copy}`;
}
