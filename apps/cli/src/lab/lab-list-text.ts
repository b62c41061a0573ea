import type { LabDefinition } from '@netmortem/labs';

/** Wraps prose to `width` columns with an indent, for a terminal. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** `netmortem lab list` as text: each lab, what it shows, its variants. */
export function labListText(labs: readonly LabDefinition[], width = 100): string {
  const out: string[] = [];
  for (const lab of labs) {
    const cause = lab.rootCause === null ? 'healthy' : `root cause ${lab.rootCause}`;
    out.push(`${lab.id}  (${cause}, ${lab.variants.length} variants)`);
    out.push(`  ${lab.title}`);
    out.push(...wrap(lab.description, width, '  '));
    for (const variant of lab.variants) {
      out.push(`  - ${variant.id}`);
      out.push(...wrap(variant.summary, width, '      '));
    }
    out.push('');
  }
  out.push(
    `${labs.length} labs. Run one (root, network namespaces): netmortem lab run <id> [--variant <id>] [--out DIR]`,
  );
  return `${out.join('\n')}\n`;
}

/** `netmortem lab list --format json`: the same, without the run functions. */
export function labListJson(labs: readonly LabDefinition[]): object[] {
  return labs.map((lab) => ({
    id: lab.id,
    rootCause: lab.rootCause,
    title: lab.title,
    description: lab.description,
    variants: lab.variants.map((v) => ({ id: v.id, summary: v.summary })),
  }));
}
