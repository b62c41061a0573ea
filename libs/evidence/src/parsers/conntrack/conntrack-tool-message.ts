/**
 * Lines conntrack-tools writes to stderr, which collectors usually capture with 2>&1:
 * the closing summary, notices, and the warnings that matter (lost events, failures).
 */
export type ToolMessage =
  | { readonly kind: 'summary'; readonly count: number }
  | { readonly kind: 'benign' }
  | { readonly kind: 'problem'; readonly code: string; readonly message: string };

const SUMMARY =
  /^conntrack v[\d.]+ \(conntrack-tools\): (\d+) flow (?:entries|events) have been shown\.$/;

export function readToolMessage(line: string): ToolMessage | undefined {
  if (line.startsWith('conntrack v')) {
    const summary = SUMMARY.exec(line.trim());
    if (summary) return { kind: 'summary', count: Number(summary[1]) };
    return { kind: 'problem', code: 'TOOL_ERROR', message: clip(line) };
  }
  // The kernel dropped events because conntrack read them too slowly: the record has gaps.
  if (line.startsWith('WARNING: We have hit ENOBUFS')) {
    return { kind: 'problem', code: 'EVENTS_LOST', message: clip(line) };
  }
  if (line.startsWith('NOTICE: ')) return { kind: 'benign' };
  return undefined;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
