import type { RuleMatch } from '@netmortem/domain';
import type { RuleToken } from './iptables-rule.tokenizer.js';

/** A rule as iptables would read it; the target's kind is settled once all chains are known. */
export interface ParsedIptablesRule {
  readonly chain?: string;
  readonly table?: string;
  readonly matches: RuleMatch[];
  readonly target?: {
    readonly name: string;
    readonly goto: boolean;
    readonly options: Record<string, string>;
  };
  readonly counters?: { readonly packets: number; readonly bytes: number };
  readonly comment?: string;
  readonly ipv6: boolean;
  /** What could not be understood; the rule keeps everything else. */
  readonly problems: string[];
}

/** The basic fields, under the long names iptables documents them by. */
const CORE: Readonly<Record<string, string>> = {
  '-p': 'protocol', '--protocol': 'protocol',
  '-s': 'source', '--source': 'source', '--src': 'source',
  '-d': 'destination', '--destination': 'destination', '--dst': 'destination',
  '-i': 'in-interface', '--in-interface': 'in-interface',
  '-o': 'out-interface', '--out-interface': 'out-interface',
}; // prettier-ignore

interface MatchDraft {
  readonly module: string;
  readonly options: Record<string, string>;
  /** Each negated option becomes its own match: `RuleMatch.negated` covers a whole match. */
  readonly negated: [string, string][];
}

export function parseIptablesRule(tokens: readonly RuleToken[]): ParsedIptablesRule {
  const problems: string[] = [];
  const core: MatchDraft = { module: 'ip', options: {}, negated: [] };
  const drafts: MatchDraft[] = [];
  let current: MatchDraft | 'target' | undefined;
  let target: { name: string; goto: boolean; options: Record<string, string> } | undefined;
  let chain: string | undefined;
  let table: string | undefined;
  let counters: { packets: number; bytes: number } | undefined;
  let ipv6 = false;
  let negate = false;
  let i = 0;

  const isOption = (token: RuleToken | undefined): boolean =>
    !!token &&
    !token.quoted &&
    token.text.startsWith('-') &&
    !/^-\d/.test(token.text) &&
    token.text.length > 1;
  const isBang = (token: RuleToken | undefined): boolean =>
    !!token && !token.quoted && token.text === '!';
  const next = (): string | undefined => {
    const token = tokens[i + 1];
    if (!token || isOption(token) || isBang(token)) return undefined;
    i += 1;
    return token.text;
  };

  const counterPrefix =
    tokens[0] && !tokens[0].quoted ? /^\[(\d+):(\d+)\]$/.exec(tokens[0].text) : null;
  if (counterPrefix) {
    counters = { packets: Number(counterPrefix[1]), bytes: Number(counterPrefix[2]) };
    i = 1;
  }

  for (; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (!token) break;
    if (isBang(token)) {
      negate = true;
      continue;
    }
    if (!isOption(token)) {
      problems.push(`unexpected "${token.text}"`);
      continue;
    }
    const option = token.text;
    // Old iptables also accepted the bang after the option: `--dport ! 22`.
    if (isBang(tokens[i + 1]) && tokens[i + 2] && !isOption(tokens[i + 2])) {
      negate = true;
      i += 1;
    }
    const coreKey = CORE[option];
    if (option === '-A' || option === '--append' || option === '-I' || option === '--insert') {
      chain = next();
      if ((option === '-I' || option === '--insert') && /^\d+$/.test(tokens[i + 1]?.text ?? ''))
        i += 1;
    } else if (option === '-t' || option === '--table') {
      table = next();
    } else if (option === '-c' || option === '--set-counters') {
      const packets = next();
      const bytes = next();
      if (packets && bytes && /^\d+$/.test(packets) && /^\d+$/.test(bytes)) {
        counters = { packets: Number(packets), bytes: Number(bytes) };
      } else problems.push('unreadable -c counters');
    } else if (option === '-m' || option === '--match') {
      const module = next();
      if (module) {
        current = { module, options: {}, negated: [] };
        drafts.push(current);
      } else problems.push('-m without a module name');
    } else if (option === '-j' || option === '--jump' || option === '-g' || option === '--goto') {
      const name = next();
      if (name) {
        target = { name, goto: option === '-g' || option === '--goto', options: {} };
        current = 'target';
      } else problems.push(`${option} without a target`);
    } else if (coreKey) {
      const value = next();
      if (value === undefined) problems.push(`${option} without a value`);
      else {
        add(core, coreKey, value, negate);
        if (value.includes(':') && coreKey !== 'protocol' && !coreKey.endsWith('interface'))
          ipv6 = true;
        if (coreKey === 'protocol' && /^(?:ipv6-icmp|icmpv6|icmp6|58)$/.test(value)) ipv6 = true;
      }
    } else if (option === '-f' || option === '--fragment') {
      add(core, 'fragment', '', negate);
    } else if (option === '-4' || option === '-6') {
      ipv6 ||= option === '-6';
    } else if (
      option === '-w' ||
      option === '--wait' ||
      option === '-W' ||
      option === '--wait-interval'
    ) {
      if (/^\d+$/.test(tokens[i + 1]?.text ?? '')) i += 1;
    } else {
      const values: string[] = [];
      for (let value = next(); value !== undefined; value = next()) values.push(value);
      const key = option.replace(/^--?/, '');
      const joined = values.join(' ');
      if (current === 'target') {
        if (target)
          target.options[key] = key in target.options ? `${target.options[key]} ${joined}` : joined;
      } else {
        if (!current) {
          // `-p tcp --dport 80` without `-m tcp`: iptables loads the protocol's match itself.
          current = { module: core.options.protocol ?? 'ip', options: {}, negated: [] };
          drafts.push(current);
        }
        add(current, key, joined, negate);
      }
      if (/icmp6|icmpv6/.test(key) || /^icmp6-/.test(joined)) ipv6 = true;
    }
    negate = false;
  }
  if (negate) problems.push('"!" at the end of the rule');

  const matches = [core, ...drafts]
    .flatMap(toMatches)
    .filter((m) => m.module !== 'ip' || Object.keys(m.options).length > 0);
  const comment = matches.find((m) => m.module === 'comment')?.options.comment;
  return {
    matches,
    ipv6,
    problems,
    ...(chain ? { chain } : {}),
    ...(table ? { table } : {}),
    ...(target ? { target } : {}),
    ...(counters ? { counters } : {}),
    ...(comment !== undefined ? { comment } : {}),
  };
}

function add(draft: MatchDraft, key: string, value: string, negated: boolean): void {
  if (negated) draft.negated.push([key, value]);
  else draft.options[key] = value;
}

function toMatches(draft: MatchDraft): RuleMatch[] {
  const out: RuleMatch[] = [];
  if (Object.keys(draft.options).length > 0 || draft.negated.length === 0) {
    out.push({ module: draft.module, negated: false, options: draft.options });
  }
  for (const [key, value] of draft.negated)
    out.push({ module: draft.module, negated: true, options: { [key]: value } });
  return out;
}
