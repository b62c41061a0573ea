/** Rewrites the type flag of the tar header at `offset` and fixes its checksum. */
export function retypeTarHeader(tar: Buffer, offset: number, typeflag: string): Buffer {
  const copy = Buffer.from(tar);
  copy.write(typeflag, offset + 156, 'latin1');
  copy.fill(0x20, offset + 148, offset + 156);
  let sum = 0;
  for (let index = offset; index < offset + 512; index += 1) sum += copy[index] ?? 0;
  copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, offset + 148, 'latin1');
  return copy;
}
