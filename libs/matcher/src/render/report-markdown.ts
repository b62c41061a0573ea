import type { AnalysisReport, EvidencePointer } from '../report/analysis-report.js';

/** For tickets and incident channels: the same content as the text view, in Markdown. */
export function reportMarkdown(report: AnalysisReport, target: string): string {
  const md: string[] = [`# netmortem analysis of \`${target}\``, ''];
  const c = report.coverage;
  md.push(
    `${report.artifacts.length} artifacts, ${c.captures} captures, ${c.packets} packets, ${c.flows} flows; kernel ${c.kernel ?? 'unknown'} (profile ${c.kernelProfile ?? '?'}).`,
    '',
  );
  if (report.findings.length === 0) md.push('**No known root cause found.**', '');
  for (const [i, f] of report.findings.entries()) {
    md.push(`## ${i + 1}. ${f.title}`, '');
    md.push(
      `- **Root cause:** \`${f.rootCause}\`  `,
      `- **Confidence:** ${Math.round(f.confidence * 100)} %`,
    );
    if (f.flow)
      md.push(
        `- **Flow:** \`${f.flow.client}\` → \`${f.flow.server}\`${f.flow.backend ? ` (NATed to \`${f.flow.backend}\`)` : ''}`,
      );
    md.push('', f.summary, '');
    if (f.narrative.length > 0) {
      md.push('### What happened', '', '| time | step | evidence |', '|---|---|---|');
      for (const s of f.narrative)
        md.push(
          `| ${s.time ?? ''} | ${cell(s.text)} | ${s.evidence ? cell(ptr(s.evidence)) : ''} |`,
        );
      md.push('');
    }
    md.push('### Evidence for', '', ...f.evidence.map((e) => `- ${ptr(e)}`), '');
    if (f.evidenceAgainst.length > 0)
      md.push('### Evidence against', '', ...f.evidenceAgainst.map((e) => `- ${ptr(e)}`), '');
    if (f.notes.length > 0) md.push(...f.notes.map((n) => `> ${n}`), '');
    if (f.remediation.length > 0) {
      md.push('### Remediation', '');
      for (const r of f.remediation) {
        md.push(`#### ${r.title} (\`${r.id}\`)`, '');
        if (r.proof)
          md.push(`*Simulated:* ${r.proof.verdict.replace(/-/g, ' ')}: ${r.proof.detail}`, '');
        for (const s of r.steps)
          md.push(
            ...(s.label ? [`${s.label}:`, ''] : []),
            `\`\`\`${s.language === 'text' ? '' : s.language}`,
            s.code,
            '```',
            '',
          );
        if (r.tradeoffs.length > 0) md.push(...r.tradeoffs.map((t) => `- trade-off: ${t}`), '');
      }
    }
    if (f.nextEvidence.length > 0)
      md.push('### Collect next', '', ...f.nextEvidence.map((h) => `- ${h}`), '');
  }
  if (report.risks.length > 0) {
    md.push('## Latent risks', '');
    for (const r of report.risks) md.push(`- **${r.rootCause}**: ${r.summary} Fix: ${r.advice}`);
    md.push('');
  }
  const failed = report.artifacts.filter((a) => a.error !== undefined);
  if (failed.length > 0) {
    md.push(
      '## Artifacts with problems',
      '',
      ...failed.map((a) => `- \`${a.path}\` (${a.kind}): ${a.error}`),
      '',
    );
  }
  return md.join('\n');
}

function ptr(e: EvidencePointer): string {
  return `\`${e.artifact}${e.locator ? ` ${e.locator}` : ''}\`: ${e.note}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
