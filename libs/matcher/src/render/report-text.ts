import type { AnalysisReport, EvidencePointer, Finding } from '../report/analysis-report.js';

/**
 * The 3 a.m. view: the verdict first, then why, then what to type. Plain text, no colour
 * codes (it is pasted into tickets), lines short enough for a split terminal.
 */
export function reportText(report: AnalysisReport, target: string): string {
  const lines: string[] = [];
  const c = report.coverage;
  const failed = report.artifacts.filter((a) => a.status === 'failed' || a.error !== undefined);
  lines.push(
    `netmortem analyze ${target}`,
    `  ${report.artifacts.length} artifacts, ${c.captures} captures, ${c.packets} packets, ${c.flows} flows` +
      (c.kernel ? `, kernel ${c.kernel} (profile ${c.kernelProfile})` : ', kernel unknown'),
    '',
  );
  if (report.findings.length === 0) {
    lines.push(
      'No known root cause found.',
      '  Nothing in this bundle shows a catalogued failure.',
      '',
    );
  } else {
    lines.push(
      report.findings.length === 1
        ? 'ROOT CAUSE'
        : `ROOT CAUSES (${report.findings.length}, most likely first)`,
      '',
    );
    report.findings.forEach((f, i) => lines.push(...findingText(f, i + 1), ''));
  }
  if (report.risks.length > 0) {
    lines.push('LATENT RISKS (no failure seen from them, but the preconditions hold)');
    for (const r of report.risks) {
      lines.push(`  - [${r.rootCause}] ${r.summary}`, `      fix: ${r.advice}`);
      for (const e of r.evidence.slice(0, 2)) lines.push(`      ${pointer(e)}`);
    }
    lines.push('');
  }
  if (failed.length > 0) {
    lines.push('ARTIFACTS WITH PROBLEMS');
    for (const a of failed) lines.push(`  ${a.path} (${a.kind}, ${a.status}): ${a.error ?? ''}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function findingText(f: Finding, n: number): string[] {
  const out = [
    `${n}. ${f.title}`,
    `   id ${f.rootCause}, confidence ${Math.round(f.confidence * 100)} %`,
  ];
  if (f.flow) {
    out.push(
      `   flow ${f.flow.client} -> ${f.flow.server}${f.flow.backend ? ` (NATed to ${f.flow.backend})` : ''}`,
    );
  }
  out.push('', ...wrap(f.summary, '   '));
  if (f.narrative.length > 0) {
    out.push('', '   What happened:');
    for (const step of f.narrative) {
      const at = step.time ? `${step.time.slice(11, 26)}  ` : '';
      out.push(`     ${at}${step.text}`);
      if (step.evidence) out.push(`       ${pointer(step.evidence)}`);
    }
  }
  out.push('', '   Evidence for:');
  for (const e of f.evidence) out.push(`     + ${pointer(e)}`);
  if (f.evidenceAgainst.length > 0) {
    out.push('   Evidence against:');
    for (const e of f.evidenceAgainst) out.push(`     - ${pointer(e)}`);
  }
  for (const note of f.notes) out.push(`   Note: ${note}`);
  if (f.remediation.length > 0) {
    out.push('', '   Fix, best first:');
    for (const r of f.remediation) {
      const proof =
        r.proof && r.proof.verdict !== 'not-modelled'
          ? `  [simulated: ${r.proof.verdict.replace(/-/g, ' ')}]`
          : '';
      out.push(`     * ${r.title} (${r.id})${proof}`);
      for (const s of r.steps) {
        if (s.label) out.push(`         # ${s.label}`);
        for (const line of s.code.split('\n')) out.push(`         ${line}`);
      }
      for (const t of r.tradeoffs) out.push(`         trade-off: ${t}`);
    }
  }
  if (f.nextEvidence.length > 0) {
    out.push('', '   To be sure, collect next:');
    for (const h of f.nextEvidence) out.push(`     > ${h}`);
  }
  return out;
}

function pointer(e: EvidencePointer): string {
  return `${e.artifact}${e.locator ? ` ${e.locator}` : ''}: ${e.note}`;
}

function wrap(text: string, indent: string, width = 96): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.length + word.length + 1 > width && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
