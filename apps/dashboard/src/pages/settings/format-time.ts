const formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A time for tables, or a dash when there is none. */
export function formatTime(value: string | null | undefined): string {
  return value ? formatter.format(new Date(value)) : '—';
}
