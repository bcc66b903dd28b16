import type { Language } from '../domain/scenario.js';

// Locale-aware formatting of amounts and calendar dates for e-mails, letters and call
// scripts. Uses Intl directly, so the output follows the ICU data shipped with Node.

const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };

const MILLISECONDS_PER_DAY = 86_400_000;

/** Returns the BCP 47 locale used to format text in the language. */
export function localeFor(language: Language): string {
  return LOCALES[language];
}

/** Returns the number of decimals of an ISO 4217 currency (0 for JPY, 2 for EUR, 3 for KWD). */
export function currencyDecimals(currency: string): number {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.resolvedOptions().maximumFractionDigits ?? 2;
}

/** Returns true if Intl supports the ISO 4217 currency code. */
export function isKnownCurrency(currency: string): boolean {
  return Intl.supportedValuesOf('currency').includes(currency);
}

/**
 * Converts an integer of minor units to an exact decimal string ("123456" EUR becomes
 * "1234.56"), so that large amounts never go through a binary fraction.
 */
function minorToDecimalString(minor: number, decimals: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = Math.abs(minor).toString().padStart(decimals + 1, '0');
  if (decimals === 0) {
    return `${sign}${digits}`;
  }

  const units = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${sign}${units}.${fraction}`;
}

/** Formats an amount of minor units in its currency for the language: fr gives "1 234,56 €". */
export function formatMoney(minor: number, currency: string, language: Language): string {
  const decimals = currencyDecimals(currency);
  const format = new Intl.NumberFormat(localeFor(language), {
    style: 'currency',
    currency,
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });

  // Intl.NumberFormat formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3", Node 20).
  return format.format(minorToDecimalString(minor, decimals) as unknown as number);
}

/** Returns the UTC midnight timestamp of a 'YYYY-MM-DD' calendar date. */
function calendarDateToUtc(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1);
}

/** Returns true if the 'YYYY-MM-DD' string names a day that exists (no 2026-02-30). */
export function isValidCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    return false;
  }
  return new Date(calendarDateToUtc(date)).toISOString().slice(0, 10) === date;
}

/** Formats a 'YYYY-MM-DD' calendar date in long form: fr gives "4 décembre 2026". */
export function formatDate(date: string, language: Language): string {
  const format = new Intl.DateTimeFormat(localeFor(language), { dateStyle: 'long', timeZone: 'UTC' });
  return format.format(new Date(calendarDateToUtc(date)));
}

/** Formats a calendar date in medium form for tables: fr gives "4 déc. 2026", en "4 Dec 2026". */
export function formatShortDate(date: string, language: Language): string {
  const format = new Intl.DateTimeFormat(localeFor(language), { dateStyle: 'medium', timeZone: 'UTC' });
  return format.format(new Date(calendarDateToUtc(date)));
}

/** Formats a UTC instant as a local date and time in the customer's IANA time zone. */
export function formatInstant(instant: string, timeZone: string, language: Language): string {
  const format = new Intl.DateTimeFormat(localeFor(language), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone,
  });
  return format.format(new Date(instant));
}

/** Returns the days from `dueDate` to `asOfDate`: positive when overdue, negative when not yet due. */
export function daysOverdue(dueDate: string, asOfDate: string): number {
  return Math.round((calendarDateToUtc(asOfDate) - calendarDateToUtc(dueDate)) / MILLISECONDS_PER_DAY);
}
