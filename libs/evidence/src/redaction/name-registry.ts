import { createHmac } from 'node:crypto';
import { NAME_STOP_WORDS } from './name-stop-words.js';
import { deriveKey } from './redaction-keys.js';

export type NameKind =
  | 'host'
  | 'pod'
  | 'namespace'
  | 'service'
  | 'cluster'
  | 'domain'
  | 'agent'
  | 'netns'
  | 'capture'
  | 'name';

const PREFIX: Readonly<Record<NameKind, string>> = {
  host: 'host',
  pod: 'pod',
  namespace: 'ns',
  service: 'svc',
  cluster: 'cluster',
  domain: 'domain',
  agent: 'agent',
  netns: 'netns',
  capture: 'capture',
  name: 'name',
};

interface Entry {
  readonly kind: NameKind;
  readonly pseudonym: string;
  /** May be found inside a longer hyphenated word (`node-1` in `node-1-ss.txt`). */
  readonly inWords: boolean;
}

/** A word: letters, digits and `_`, runs joined by single hyphens. */
const WORD = /^[a-z0-9_]+(?:-[a-z0-9_]+)*$/;
const OWN_PSEUDONYM = new RegExp(`^(?:${Object.values(PREFIX).join('|')})-[0-9a-f]{6,}$`);
const MAX_NAME = 253;
/**
 * Kubernetes object names and host names are DNS labels: they never hold `_`. A "name" with
 * one found after `namespace:` or `host=` is a kernel or program identifier (nf_conntrack,
 * net_ratelimit) that the parsers need to read again.
 */
const DNS_LABEL_KINDS: ReadonlySet<NameKind> = new Set(['host', 'pod', 'namespace', 'service']);
/** Longer hyphenated words are not searched for names inside them (bounded work per word). */
const MAX_PARTS = 64;

/**
 * The private names of a bundle (hosts, pods, namespaces, services…), each with a stable
 * pseudonym like `host-1a2b3c` (a keyed hash of the name, so the same key gives the same
 * pseudonym in every bundle). Names are matched case-insensitively as whole words, and the
 * replacement follows the original's case (NODE-1 → HOST-1A2B3C). Counts say how often each
 * kind was replaced; the mapping itself leaves only through `mappings()`.
 */
export class NameRegistry {
  private readonly key: Buffer;
  private readonly entries = new Map<string, Entry>();
  private readonly taken = new Set<string>();
  private longestParts = 1;
  private anyInWords = false;
  readonly replaced = new Map<NameKind, number>();

  constructor(secret: Uint8Array) {
    this.key = deriveKey(secret, 'names');
  }

  /**
   * Adds a name; false when it is not one (stop word, number, too short, not a word) or is
   * known already. `given`: named by the user, so taken even when it is a stop word.
   */
  register(name: string, kind: NameKind, given = false): boolean {
    const word = name.toLowerCase();
    if (this.entries.has(word)) return false;
    if (word.length < 2 || word.length > MAX_NAME || !WORD.test(word)) return false;
    if (!given && (NAME_STOP_WORDS.has(word) || /^[0-9_-]+$/.test(word))) return false;
    if (OWN_PSEUDONYM.test(word)) return false;
    if (!given && DNS_LABEL_KINDS.has(kind) && word.includes('_')) return false;
    const parts = word.split('-').length;
    const inWords = given || (parts > 1 && word.length >= 4) || /\d/.test(word);
    this.entries.set(word, { kind, pseudonym: this.pseudonymFor(word, kind), inWords });
    if (inWords) {
      this.anyInWords = true;
      this.longestParts = Math.max(this.longestParts, parts);
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /**
   * The word with every known name in it replaced, or undefined when it holds none. A word
   * is a maximal run of letters, digits, `_` and inner hyphens.
   */
  replaceWord(word: string): string | undefined {
    return this.replace(word, true);
  }

  /** Whether the word holds a known name (nothing counted). */
  mentionedIn(word: string): boolean {
    return this.replace(word, false) !== undefined;
  }

  private replace(word: string, count: boolean): string | undefined {
    if (this.entries.size === 0) return undefined;
    const lower = word.toLowerCase();
    const whole = this.entries.get(lower);
    if (whole !== undefined) return this.use(word, whole, count);
    if (!this.anyInWords || !lower.includes('-')) return undefined;
    const parts = lower.split('-');
    if (parts.length > MAX_PARTS) return undefined;
    const original = word.split('-');
    const out: string[] = [];
    let changed = false;
    for (let i = 0; i < parts.length;) {
      let matched = 0;
      for (let j = Math.min(parts.length, i + this.longestParts); j > i; j--) {
        if (j - i === parts.length) continue; // the whole word was looked up above
        const entry = this.entries.get(parts.slice(i, j).join('-'));
        if (entry?.inWords) {
          out.push(this.use(original.slice(i, j).join('-'), entry, count));
          matched = j - i;
          break;
        }
      }
      if (matched === 0) {
        out.push(original[i]!);
        i += 1;
      } else {
        changed = true;
        i += matched;
      }
    }
    return changed ? out.join('-') : undefined;
  }

  *mappings(): Generator<{ name: string; kind: NameKind; pseudonym: string }> {
    for (const [name, entry] of this.entries)
      yield { name, kind: entry.kind, pseudonym: entry.pseudonym };
  }

  /** Names known per kind (not their values). */
  knownByKind(): Partial<Record<NameKind, number>> {
    const counts: Partial<Record<NameKind, number>> = {};
    for (const entry of this.entries.values()) counts[entry.kind] = (counts[entry.kind] ?? 0) + 1;
    return counts;
  }

  private use(original: string, entry: Entry, count: boolean): string {
    if (count) this.replaced.set(entry.kind, (this.replaced.get(entry.kind) ?? 0) + 1);
    return matchCase(original, entry.pseudonym);
  }

  private pseudonymFor(word: string, kind: NameKind): string {
    const digest = createHmac('sha256', this.key).update(word).digest('hex');
    for (let length = 6; ; length += 2) {
      const candidate = `${PREFIX[kind]}-${digest.slice(0, length)}`;
      if (!this.taken.has(candidate) || length >= digest.length) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}

function matchCase(original: string, pseudonym: string): string {
  const hasLower = /[a-z]/.test(original);
  const hasUpper = /[A-Z]/.test(original);
  if (hasUpper && !hasLower) return pseudonym.toUpperCase();
  if (hasUpper && /^[A-Z]/.test(original)) return pseudonym[0]!.toUpperCase() + pseudonym.slice(1);
  return pseudonym;
}
