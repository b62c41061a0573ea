export type LabelParse =
  | { readonly ok: true; readonly labels: Record<string, string> }
  | { readonly ok: false; readonly error: string };

/**
 * Reads "cluster=prod, service=checkout" into a label map. Keys follow the API's rule
 * (letters, digits, . _ / -); a value may hold anything but a comma.
 */
export function parseLabelFilter(text: string): LabelParse {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const pair = part.trim();
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return { ok: false, error: `"${pair}" is not key=value` };
    const key = pair.slice(0, equals).trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/.test(key)) {
      return { ok: false, error: `"${key}" is not a label key (letters, digits, . _ / -)` };
    }
    labels[key] = pair.slice(equals + 1).trim();
  }
  return { ok: true, labels };
}

/** The label map as people write it: "cluster=prod, service=checkout". */
export function formatLabels(labels: unknown): string[] {
  if (!labels || typeof labels !== 'object') return [];
  return Object.entries(labels as Record<string, unknown>).map(
    ([key, value]) => `${key}=${String(value)}`,
  );
}
