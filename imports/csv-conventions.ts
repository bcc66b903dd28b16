import type { DateOrder } from './dates.js';
import type { DecimalStyle } from './money.js';

export type CsvDelimiter = ';' | ',' | '\t';

/** Picks the delimiter that splits the header line into the most columns, quotes aside. */
export function detectDelimiter(firstLine: string): CsvDelimiter {
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts: Array<[CsvDelimiter, number]> = [';', '\t', ','].map((delimiter) => [
    delimiter as CsvDelimiter,
    unquoted.split(delimiter).length - 1,
  ]);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]?.[1] ? counts[0][0] : ',';
}

/**
 * Reads the decimal convention from sample amounts: '1 234,56' or '12,5' is French,
 * '1,234.56' or '12.50' is US. Returns undefined when no sample decides it (e.g. '1234').
 */
export function detectDecimalStyle(amounts: string[]): DecimalStyle | undefined {
  let french = 0;
  let us = 0;
  for (const raw of amounts) {
    const value = raw.trim().replace(/[\s\u00a0\u202f]/g, '');
    if (/,\d{1,2}$/.test(value) || /\.\d{3},/.test(value)) french += 1;
    else if (/\.\d{1,2}$/.test(value) || /,\d{3}\./.test(value)) us += 1;
  }
  if (french === us) return undefined;
  return french > us ? 'fr' : 'us';
}

/**
 * Reads the date order from sample dates: a first part above 12 (31/12/2025) means day
 * first, a second part above 12 (12/31/2025) means month first. Returns undefined when
 * every sample is ambiguous or ISO.
 */
export function detectDateOrder(dates: string[]): DateOrder | undefined {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const raw of dates) {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}$/.exec(raw.trim());
    if (!match) continue;
    if (Number(match[1]) > 12) dayFirst += 1;
    if (Number(match[2]) > 12) monthFirst += 1;
  }
  if (dayFirst === monthFirst) return undefined;
  return dayFirst > monthFirst ? 'day_first' : 'month_first';
}
