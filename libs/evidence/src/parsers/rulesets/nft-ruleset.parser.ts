import type { Rule, Ruleset } from '@netmortem/domain';
import { ItemBudget } from '../shared/item-budget.js';
import { skipBinaryLine } from '../shared/line-hygiene.js';
import type { TextArtifactParser } from '../text-artifact-parser.js';
import { readNftJson } from './nft-json.reader.js';
import { chainPriority } from './nft-priority.js';
import { translateNftRule } from './nft-rule.translator.js';
import { tokenizeNft } from './nft-text.tokenizer.js';
import { RulesetBuilder, type ChainDraft, type TableDraft } from './ruleset-builder.js';

/** `nft -j` prints one line; a pretty-printed copy is gathered up to this size. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

const TABLE = /^table (?:(ip|ip6|inet|arp|bridge|netdev) )?(\S+) \{$/;
const CHAIN = /^chain (\S+) \{$/;
const BLOCK =
  /^(?:set|map|flowtable|counter|quota|limit|secmark|synproxy|ct (?:helper|timeout|expectation)) \S+ \{$/;
const BASE_CHAIN =
  /^type (\S+) hook (\S+)(?: device "?([^";]+)"?)? priority ([^;]+);(?: policy (\w+);)?/;
const MANAGED = /^# Warning: table \S+ \S+ is managed by iptables-nft/;
const HANDLE = / # handle \d+$/;

/**
 * `nft list ruleset` (also `-a` handles, `-s` stateless, a single `list table`), rulesets
 * iptables-nft wrote (`xt match`/`xt target`, `# xt_…`), and `nft -j` JSON. Rules keep their
 * text and are translated into the iptables-shaped match/target model.
 */
export const nftRulesetParser: TextArtifactParser<Ruleset> = {
  kinds: ['nft-ruleset'],
  isEmpty: (ruleset) => ruleset.tables.length === 0,
  start({ artifact, issues, limits }) {
    const builder = new RulesetBuilder();
    const budget = new ItemBudget(limits.maxItems, 'rules');
    let mode: 'unknown' | 'text' | 'json' = 'unknown';
    let json: string[] = [];
    let jsonBytes = 0;
    let jsonStart = 0;
    let jsonOverflow = false;
    let table: TableDraft | undefined;
    let chain: ChainDraft | undefined;
    let skipDepth = 0;
    let iptablesNft = false;

    const text = (raw: string, lineNumber: number): void => {
      const line = raw.trim().replace(HANDLE, '');
      if (line === '') return;
      if (skipDepth > 0) {
        skipDepth += braces(line);
        return;
      }
      if (MANAGED.test(line)) {
        iptablesNft = true;
        return;
      }
      if (line.startsWith('#')) return;
      const tableMatch = TABLE.exec(line);
      if (tableMatch) {
        table = builder.table(tableMatch[1] ?? 'ip', tableMatch[2] ?? '');
        chain = undefined;
        return;
      }
      if (line === '}') {
        if (chain) chain = undefined;
        else table = undefined;
        return;
      }
      if (!table) {
        issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'text outside any table');
        return;
      }
      const chainMatch = CHAIN.exec(line);
      if (chainMatch && !chain) {
        chain = builder.chain(table, chainMatch[1] ?? '');
        return;
      }
      if (!chain) {
        if (BLOCK.test(line) || line.endsWith('{')) skipDepth = braces(line);
        // Table-level flags and one-line objects carry no rules.
        return;
      }
      const base = BASE_CHAIN.exec(line);
      if (base) {
        chain.hook = base[2];
        const priority = chainPriority(base[4] ?? '', table.family);
        if (priority !== undefined) chain.priority = priority;
        if (base[5]) chain.policy = base[5].toUpperCase();
        return;
      }
      if (/^(?:comment "[^"]*"|devices = .*|policy \w+);?$/.test(line)) return;
      const tokens = tokenizeNft(line);
      if (!tokens) {
        issues.atLine(lineNumber, 'UNPARSEABLE_LINE', 'rule with an unclosed quote or brace');
        return;
      }
      if (!budget.take(lineNumber)) return;
      const translated = translateNftRule(tokens, table.family);
      const rule: Rule = {
        locator: { artifact, line: lineNumber },
        raw: line,
        matches: translated.matches,
        ...(translated.target ? { target: translated.target } : {}),
        ...(translated.counters ? { counters: translated.counters } : {}),
        ...(translated.comment !== undefined ? { comment: translated.comment } : {}),
      };
      chain.rules.push(rule);
    };

    return {
      line(raw, lineNumber) {
        if (mode === 'unknown') {
          if (raw.trim() === '') return;
          mode = raw.trimStart().startsWith('{') ? 'json' : 'text';
          jsonStart = lineNumber;
        }
        if (skipBinaryLine(raw, lineNumber, issues)) return;
        if (mode === 'text') {
          text(raw, lineNumber);
          return;
        }
        if (jsonOverflow) return;
        jsonBytes += raw.length + 1;
        if (jsonBytes > MAX_JSON_BYTES) {
          jsonOverflow = true;
          json = [];
          issues.atLine(
            lineNumber,
            'TOO_LARGE',
            `nft JSON larger than ${MAX_JSON_BYTES} bytes not read`,
          );
          return;
        }
        json.push(raw);
      },
      finish() {
        if (mode === 'json' && !jsonOverflow) {
          readNftJson(json.join('\n'), jsonStart, {
            artifact,
            issues,
            builder,
            take: (line) => budget.take(line),
          });
        }
        budget.report(issues);
        return builder.build({
          locator: { artifact },
          source: 'nft',
          ...(iptablesNft ? { backend: 'nft' as const } : {}),
        });
      },
    };
  },
};

function braces(line: string): number {
  let depth = 0;
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '{') depth += 1;
    else if (!quoted && c === '}') depth -= 1;
  }
  return depth;
}
