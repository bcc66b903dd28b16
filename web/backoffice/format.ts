import { formatMoney } from '../../domain/money.js';
import type { BackofficeLanguage } from './layout.js';

// Numbers, amounts and instants as the user's language writes them.

const LOCALES: Record<BackofficeLanguage, string> = { fr: 'fr-FR', en: 'en-GB' };

export function money(amountMinor: number | null, currency: string | null, language: BackofficeLanguage): string {
  if (amountMinor === null || currency === null) return '–';
  return formatMoney(amountMinor, currency, LOCALES[language]);
}

export function number(value: number, language: BackofficeLanguage, fractionDigits = 0): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: fractionDigits, minimumFractionDigits: fractionDigits }).format(value);
}

/** Formats an instant in a time zone, naming the zone so that nobody mistakes it for their own. */
export function instant(value: Date | string | null, timeZone: string, language: BackofficeLanguage): string {
  if (value === null) return '–';
  const date = typeof value === 'string' ? new Date(value) : value;
  const text = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'short', timeStyle: 'short', timeZone }).format(date);
  return `${text} (${timeZone})`;
}

export function calendarDate(value: string, language: BackofficeLanguage): string {
  if (language === 'en') return value;
  const [year, month, day] = value.split('-');
  return `${day}/${month}/${year}`;
}
