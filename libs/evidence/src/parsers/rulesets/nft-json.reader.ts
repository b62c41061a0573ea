import type { Rule } from '@netmortem/domain';
import type { IssueCollector } from '../../text/issue-collector.js';
import { chainPriority } from './nft-priority.js';
import { renderJsonStatement } from './nft-json.renderer.js';
import { translateNftRule } from './nft-rule.translator.js';
import { tokenizeNft } from './nft-text.tokenizer.js';
import type { RulesetBuilder } from './ruleset-builder.js';

/** `nft -j list ruleset`: `{"nftables": [{"table": …}, {"chain": …}, {"rule": …}, …]}`. */
export function readNftJson(
  text: string,
  line: number,
  context: {
    artifact: string;
    issues: IssueCollector;
    builder: RulesetBuilder;
    take: (line: number) => boolean;
  },
): void {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    context.issues.atLine(
      line,
      'UNPARSEABLE_JSON',
      `nft JSON unreadable: ${error instanceof Error ? error.message : 'invalid JSON'}`,
    );
    return;
  }
  const objects =
    isRecord(document) && Array.isArray(document.nftables) ? document.nftables : undefined;
  if (!objects) {
    context.issues.atLine(line, 'UNPARSEABLE_JSON', 'JSON without an "nftables" array');
    return;
  }
  for (const object of objects) {
    if (!isRecord(object)) continue;
    if (isRecord(object.table)) {
      context.builder.table(str(object.table.family, 'ip'), str(object.table.name, ''));
    } else if (isRecord(object.chain)) {
      const c = object.chain;
      const family = str(c.family, 'ip');
      const chain = context.builder.chain(
        context.builder.table(family, str(c.table, '')),
        str(c.name, ''),
      );
      if (typeof c.hook === 'string') chain.hook = c.hook;
      if (typeof c.policy === 'string') chain.policy = c.policy.toUpperCase();
      const priority =
        typeof c.prio === 'number'
          ? c.prio
          : typeof c.prio === 'string'
            ? chainPriority(c.prio, family)
            : undefined;
      if (priority !== undefined) chain.priority = priority;
    } else if (isRecord(object.rule)) {
      const r = object.rule;
      const family = str(r.family, 'ip');
      const chain = context.builder.chain(
        context.builder.table(family, str(r.table, '')),
        str(r.chain, ''),
      );
      if (!context.take(line)) continue;
      const statements = Array.isArray(r.expr) ? r.expr.map(renderJsonStatement) : [];
      const tokens = tokenizeNft(statements.join(' ')) ?? [];
      const translated = translateNftRule(tokens, family);
      const comment = typeof r.comment === 'string' ? r.comment : translated.comment;
      const rule: Rule = {
        locator: { artifact: context.artifact, line },
        raw: JSON.stringify(r),
        matches: translated.matches,
        ...(translated.target ? { target: translated.target } : {}),
        ...(translated.counters ? { counters: translated.counters } : {}),
        ...(comment !== undefined ? { comment } : {}),
      };
      chain.rules.push(rule);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}
