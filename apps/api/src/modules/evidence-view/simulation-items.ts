/** The arrays of the stored simulation document whose items a reader may want. */
export type SimulationSection = 'packets' | 'timeline';

export type SimulationItemHandler = (section: SimulationSection, text: string) => void;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Cuts the stored simulation (`{ input, packets: [...], timeline: [...], report }`) into the
 * JSON text of each packet verdict and timeline event as the chunks arrive, without building
 * the whole document: a replay of millions of packets is gigabytes of text, and a reader
 * usually keeps a few thousand items. Callers parse only the items they keep.
 */
export class SimulationItemScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private key = '';
  private section: SimulationSection | null = null;
  private pending = '';
  private inItem = false;

  constructor(private readonly onItem: SimulationItemHandler) {}

  push(chunk: string): void {
    let itemStart = this.inItem ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) this.inString = false;
        else if (this.depth === 1) this.key += chunk[i];
        continue;
      }
      if (code === QUOTE) {
        this.inString = true;
        if (this.depth === 1) this.key = '';
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        if (this.depth === 1 && code === OPEN_BRACKET) this.section = sectionNamed(this.key);
        if (this.depth === 2 && this.section !== null) {
          this.inItem = true;
          itemStart = i;
        }
        this.depth++;
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 2 && this.inItem) {
          this.onItem(this.section!, this.pending + chunk.slice(itemStart, i + 1));
          this.pending = '';
          this.inItem = false;
          itemStart = -1;
        } else if (this.depth === 1) {
          this.section = null;
        }
      }
    }
    if (this.inItem) this.pending += chunk.slice(itemStart);
  }
}

function sectionNamed(key: string): SimulationSection | null {
  return key === 'packets' || key === 'timeline' ? key : null;
}
