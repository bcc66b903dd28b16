// Calendar dates as 'YYYY-MM-DD' strings, computed in UTC so no time zone shifts a day.

export type DateOrder = 'day_first' | 'month_first';

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;

  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Parses YYYY-MM-DD, YYYYMMDD, or D/M/YYYY and M/D/YYYY (with '/', '.' or '-') by `order`.
 * Returns undefined when the text is no date or names a day that does not exist (2025-02-30).
 */
export function parseCalendarDate(text: string, order: DateOrder = 'day_first'): string | undefined {
  const value = text.trim();
  let candidate: string | undefined;

  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  const slashed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) {
    candidate = formatDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  } else if (compact) {
    candidate = formatDate(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  } else if (slashed) {
    const [first, second, year] = [Number(slashed[1]), Number(slashed[2]), Number(slashed[3])];
    candidate = order === 'day_first' ? formatDate(year, second, first) : formatDate(year, first, second);
  }

  return candidate !== undefined && isCalendarDate(candidate) ? candidate : undefined;
}

export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

export function endOfMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0));
  return last.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
