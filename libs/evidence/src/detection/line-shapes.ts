/**
 * Several line shapes tested with one anchored regex. A line that matches none of them costs a
 * single failed match instead of one per shape, which adds up when 200 sampled lines meet a
 * dozen shapes in every detector. Shapes are written without `^`; earlier shapes win.
 */
export class LineShapes<Name extends string> {
  private readonly pattern: RegExp;
  private readonly names: readonly Name[];

  constructor(shapes: Readonly<Record<Name, RegExp>>) {
    this.names = Object.keys(shapes) as Name[];
    const alternatives = this.names.map((name, index) => `(?<s${index}>${shapes[name].source})`);
    this.pattern = new RegExp(`^(?:${alternatives.join('|')})`);
  }

  /** The first shape the line opens with, if any. */
  match(line: string): Name | undefined {
    const groups = this.pattern.exec(line)?.groups;
    if (!groups) return undefined;
    for (let index = 0; index < this.names.length; index++) {
      if (groups[`s${index}`] !== undefined) return this.names[index];
    }
    return undefined;
  }

  /** How many of the lines open with each shape. */
  count(lines: readonly string[]): Record<Name, number> {
    const counts = Object.fromEntries(this.names.map((name) => [name, 0])) as Record<Name, number>;
    for (const line of lines) {
      const name = this.match(line);
      if (name !== undefined) counts[name]++;
    }
    return counts;
  }
}
