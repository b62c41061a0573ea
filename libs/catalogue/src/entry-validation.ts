import { isArtifactKind, NetmortemError } from '@netmortem/domain';
import type { RootCauseEntry, WhatIfRecipe } from './root-cause-entry.js';

/** One thing wrong with one entry; `field` is a path such as `remediation[1].whatIf.settings`. */
export interface EntryProblem {
  readonly entry: string;
  readonly field: string;
  readonly message: string;
}

/** Raised at load when any entry is unusable; lists every problem, not just the first. */
export class CatalogueValidationError extends NetmortemError {
  constructor(readonly problems: readonly EntryProblem[]) {
    super(
      'catalogue.invalid-entry',
      `catalogue: ${problems.length} problem(s) in built-in entries:\n` +
        problems.map((p) => `  entry "${p.entry}", ${p.field}: ${p.message}`).join('\n'),
      { problems },
    );
  }
}

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** `sysctl -a` spelling: a known root and dotted segments; no /proc paths, no spaces. */
const SYSCTL_KEY_PATTERN = /^(net|kernel|vm|fs)(\.[A-Za-z0-9_-]+)+$/;
const SEED_PATTERN = /^\d{3}$/;
const KERNEL_PATTERN = /^(pre-5\.14|5\.14-6\.1|6\.2\+|\d+\.\d+\S*)$/;
const RULE_TABLES = new Set(['raw', 'mangle', 'nat', 'filter', 'security']);
const RULE_LINE_PATTERN = /^-[AI] [A-Za-z0-9_-]+ \S/;
const STEP_LANGUAGES = new Set(['shell', 'yaml', 'json', 'text']);
/** Kinds that hold no evidence of a mechanism, so a signature on them means nothing. */
const NON_EVIDENCE_KINDS = new Set(['manifest', 'unknown']);

/** A value as it appears in a message: strings quoted, anything else as JSON. */
function shown(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

export function isSysctlKey(key: string): boolean {
  return SYSCTL_KEY_PATTERN.test(key);
}

/** Collects problems under one entry id, with field paths built by the caller. */
class ProblemList {
  readonly items: EntryProblem[] = [];
  constructor(private readonly entry: string) {}

  add(field: string, message: string): void {
    this.items.push({ entry: this.entry, field, message });
  }

  text(field: string, value: unknown): void {
    if (typeof value !== 'string' || value.trim() === '') this.add(field, 'must be non-empty text');
  }

  optionalText(field: string, value: unknown): void {
    if (value !== undefined) this.text(field, value);
  }

  /** A list that must hold at least `min` items; returns the items to check one by one. */
  list(field: string, value: unknown, min = 1): readonly unknown[] {
    if (!Array.isArray(value)) {
      this.add(field, 'must be a list');
      return [];
    }
    if (value.length < min)
      this.add(field, min === 1 ? 'must not be empty' : `needs at least ${min} items`);
    return value as readonly unknown[];
  }

  texts(field: string, value: unknown, min = 1): void {
    this.list(field, value, min).forEach((item, i) => this.text(`${field}[${i}]`, item));
  }

  unique(field: string, values: readonly unknown[], what: string): void {
    const seen = new Set<unknown>();
    for (const value of values) {
      if (seen.has(value)) this.add(field, `${what} ${shown(value)} appears twice`);
      seen.add(value);
    }
  }
}

type Loose<T> = { readonly [K in keyof T]?: unknown };

/** Every problem of one entry; an empty list means the entry is usable. */
export function entryProblems(entry: RootCauseEntry): EntryProblem[] {
  const e = entry as unknown as Loose<RootCauseEntry>;
  const id = typeof e.id === 'string' && e.id !== '' ? e.id : '<no id>';
  const problems = new ProblemList(id);

  if (typeof e.id !== 'string' || !ID_PATTERN.test(e.id))
    problems.add('id', 'must be kebab-case (a-z, 0-9, single dashes)');
  problems.text('title', e.title);
  problems.text('summary', e.summary);
  problems.texts('symptoms', e.symptoms);
  problems.texts('mechanism', e.mechanism);
  checkSignatures(problems, e.signatures);
  checkAffected(problems, e.affected);
  checkSysctls(problems, e.sysctls);
  checkRemediation(problems, e.remediation);
  problems.texts('verification', e.verification);
  checkReferences(problems, e.references);
  checkLab(problems, e.lab);
  problems.list('seeds', e.seeds, 0).forEach((seed, i) => {
    if (typeof seed !== 'string' || !SEED_PATTERN.test(seed))
      problems.add(`seeds[${i}]`, 'must be a three-digit seed number such as "001"');
  });
  return problems.items;
}

function checkSignatures(problems: ProblemList, value: unknown): void {
  problems.list('signatures', value).forEach((item, i) => {
    const field = `signatures[${i}]`;
    const signature = (item ?? {}) as Record<string, unknown>;
    const kind = signature['kind'];
    if (typeof kind !== 'string' || !isArtifactKind(kind) || NON_EVIDENCE_KINDS.has(kind))
      problems.add(`${field}.kind`, `${shown(kind)} is not an evidence artifact kind`);
    problems.text(`${field}.what`, signature['what']);
    problems.optionalText(`${field}.example`, signature['example']);
  });
}

function checkAffected(problems: ProblemList, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    problems.add('affected', 'is missing');
    return;
  }
  const affected = value as Record<string, unknown>;
  problems.text('affected.kernel', affected['kernel']);
  for (const key of ['envoy', 'istio', 'clientGo'])
    problems.optionalText(`affected.${key}`, affected[key]);
  if (affected['other'] !== undefined) problems.texts('affected.other', affected['other']);
}

function checkSysctls(problems: ProblemList, value: unknown): void {
  const sysctls = problems.list('sysctls', value, 0);
  sysctls.forEach((item, i) => {
    const field = `sysctls[${i}]`;
    const sysctl = (item ?? {}) as Record<string, unknown>;
    const key = sysctl['key'];
    if (typeof key !== 'string' || !isSysctlKey(key))
      problems.add(
        `${field}.key`,
        `${shown(key)} does not look like a sysctl key (net.ipv4.tcp_fin_timeout)`,
      );
    problems.optionalText(`${field}.default`, sysctl['default']);
    problems.text(`${field}.role`, sysctl['role']);
  });
  problems.unique(
    'sysctls',
    sysctls.map((item) => (item as Record<string, unknown> | null)?.['key']),
    'key',
  );
}

function checkRemediation(problems: ProblemList, value: unknown): void {
  const options = problems.list('remediation', value);
  options.forEach((item, i) => {
    const field = `remediation[${i}]`;
    const option = (item ?? {}) as Record<string, unknown>;
    const optionId = option['id'];
    if (typeof optionId !== 'string' || !ID_PATTERN.test(optionId))
      problems.add(`${field}.id`, 'must be kebab-case');
    problems.text(`${field}.title`, option['title']);
    problems.list(`${field}.steps`, option['steps']).forEach((stepItem, s) => {
      const step = (stepItem ?? {}) as Record<string, unknown>;
      const language = step['language'];
      if (typeof language !== 'string' || !STEP_LANGUAGES.has(language))
        problems.add(`${field}.steps[${s}].language`, 'must be shell, yaml, json or text');
      problems.text(`${field}.steps[${s}].code`, step['code']);
      problems.optionalText(`${field}.steps[${s}].label`, step['label']);
    });
    problems.texts(`${field}.tradeoffs`, option['tradeoffs']);
    if (option['whatIf'] !== undefined) checkWhatIf(problems, `${field}.whatIf`, option['whatIf']);
  });
  problems.unique(
    'remediation',
    options.map((item) => (item as Record<string, unknown> | null)?.['id']),
    'remediation id',
  );
}

function checkWhatIf(problems: ProblemList, field: string, value: unknown): void {
  const recipe = (value ?? {}) as Loose<WhatIfRecipe>;
  const { settings, addRules, keepalive, kernel } = recipe;
  if (
    settings === undefined &&
    addRules === undefined &&
    keepalive === undefined &&
    kernel === undefined
  )
    problems.add(field, 'changes nothing: give settings, addRules, keepalive or kernel');

  if (settings !== undefined) {
    const entries =
      typeof settings === 'object' && settings !== null ? Object.entries(settings) : [];
    if (entries.length === 0) problems.add(`${field}.settings`, 'must name at least one sysctl');
    for (const [key, setting] of entries) {
      if (!isSysctlKey(key)) problems.add(`${field}.settings`, `key "${key}" is not a sysctl key`);
      problems.text(`${field}.settings["${key}"]`, setting);
    }
  }
  if (addRules !== undefined) {
    problems.list(`${field}.addRules`, addRules).forEach((ruleItem, r) => {
      const rule = (ruleItem ?? {}) as Record<string, unknown>;
      if (typeof rule['table'] !== 'string' || !RULE_TABLES.has(rule['table']))
        problems.add(
          `${field}.addRules[${r}].table`,
          'must be raw, mangle, nat, filter or security',
        );
      if (typeof rule['line'] !== 'string' || !RULE_LINE_PATTERN.test(rule['line']))
        problems.add(
          `${field}.addRules[${r}].line`,
          'must read like "-A CHAIN <matches> -j TARGET" or "-I CHAIN ..."',
        );
    });
  }
  if (keepalive !== undefined) {
    const probe = (keepalive ?? {}) as Record<string, unknown>;
    if (probe['side'] !== 'client' && probe['side'] !== 'server')
      problems.add(`${field}.keepalive.side`, 'must be client or server');
    const everySec = probe['everySec'];
    if (typeof everySec !== 'number' || !Number.isFinite(everySec) || everySec <= 0)
      problems.add(`${field}.keepalive.everySec`, 'must be a positive number of seconds');
    const shorterThan = probe['shorterThan'];
    if (shorterThan !== undefined && (typeof shorterThan !== 'string' || !isSysctlKey(shorterThan)))
      problems.add(`${field}.keepalive.shorterThan`, `${shown(shorterThan)} is not a sysctl key`);
  }
  if (kernel !== undefined && (typeof kernel !== 'string' || !KERNEL_PATTERN.test(kernel)))
    problems.add(
      `${field}.kernel`,
      'must be a profile (pre-5.14, 5.14-6.1, 6.2+) or a release such as 5.15.0',
    );
}

function checkReferences(problems: ProblemList, value: unknown): void {
  problems.list('references', value).forEach((item, i) => {
    const reference = (item ?? {}) as Record<string, unknown>;
    problems.text(`references[${i}].title`, reference['title']);
    const url = reference['url'];
    if (url !== undefined && (typeof url !== 'string' || !/^https:\/\/\S+$/.test(url)))
      problems.add(`references[${i}].url`, 'must be an https:// address');
  });
}

function checkLab(problems: ProblemList, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    problems.add('lab', 'is missing');
    return;
  }
  const lab = value as Record<string, unknown>;
  problems.text('lab.description', lab['description']);
  problems.texts('lab.variants', lab['variants'], 2);
  if (Array.isArray(lab['variants'])) problems.unique('lab.variants', lab['variants'], 'variant');
  if (lab['kernelNotes'] !== undefined) problems.texts('lab.kernelNotes', lab['kernelNotes']);
}

/** Problems across the catalogue: every entry's own, plus ids used twice. */
export function catalogueProblems(entries: readonly RootCauseEntry[]): EntryProblem[] {
  const problems = entries.flatMap((entry) => entryProblems(entry));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id))
      problems.push({ entry: entry.id, field: 'id', message: 'is used by two entries' });
    seen.add(entry.id);
  }
  return problems;
}

/** Returns the entries unchanged, or throws one error that lists every problem. */
export function assertValidCatalogue(
  entries: readonly RootCauseEntry[],
): readonly RootCauseEntry[] {
  const problems = catalogueProblems(entries);
  if (problems.length > 0) throw new CatalogueValidationError(problems);
  return entries;
}
