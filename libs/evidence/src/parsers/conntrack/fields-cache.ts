import type { EntryFields } from './conntrack-entry.builder.js';

const LIMIT = 4096;

/**
 * conntrack -E prints a connection's tuples, flags, mark and id again with every state change
 * (NEW, SYN_RECV, ESTABLISHED, FIN_WAIT, … DESTROY): the text after the state repeats
 * verbatim. Looking that text up costs less than reading it, and the events that share it
 * share one immutable copy of its fields, which also keeps a million events small. Entries
 * live only while recent: the cache starts over when full.
 */
export class FieldsCache {
  private readonly entries = new Map<string, EntryFields>();

  get(text: string): EntryFields | undefined {
    return this.entries.get(text);
  }

  set(text: string, fields: EntryFields): void {
    if (this.entries.size >= LIMIT) this.entries.clear();
    this.entries.set(text, fields);
  }
}
