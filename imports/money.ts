// Money as an integer of minor units plus an ISO 4217 code, converted from decimal text
// without floating point so 0.1 + 0.2 never drifts.

export type DecimalStyle = 'fr' | 'us';

const currencyCodes = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencyCodes.has(code);
}

const digitsByCurrency = new Map<string, number>();

/** Number of minor-unit digits of a currency (2 for EUR, 0 for JPY), from the ICU data of Node. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    // Building a NumberFormat costs far more than a row, so each currency is resolved once.
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * Normalizes localized amount text to '-1234.56'. French style takes ',' as the decimal
 * mark and spaces or '.' as thousands separators. US style takes '.' and ','.
 * Returns undefined for text that is not a number.
 */
export function normalizeDecimal(text: string, style: DecimalStyle): string | undefined {
  let value = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(value)) {
    negative = true;
    value = value.slice(1, -1);
  }
  if (value.startsWith('-')) {
    negative = !negative;
    value = value.slice(1);
  } else if (value.startsWith('+')) {
    value = value.slice(1);
  }

  const [decimalMark, groupMark] = style === 'fr' ? [',', '.'] : ['.', ','];
  const grouped = new RegExp(`^\\d{1,3}(\\${groupMark}\\d{3})+(\\${decimalMark}\\d+)?$`);
  const plain = new RegExp(`^\\d+(\\${decimalMark}\\d+)?$`);
  if (grouped.test(value)) {
    value = value.split(groupMark).join('');
  } else if (!plain.test(value)) {
    return undefined;
  }

  value = value.replace(decimalMark, '.');
  return negative && !/^0+(\.0+)?$/.test(value) ? `-${value}` : value;
}

/**
 * Converts a normalized decimal ('-1234.56') into minor units of `currency`. Rejects more
 * decimals than the currency has unless the extra digits are zeros.
 */
export function decimalToMinor(decimal: string, currency: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) throw new RangeError(`invalid amount ${JSON.stringify(decimal)}: expected digits with an optional decimal mark`);

  const digits = minorUnitDigits(currency);
  const fraction = match[3] ?? '';
  if (/[1-9]/.test(fraction.slice(digits))) {
    throw new RangeError(`invalid amount ${JSON.stringify(decimal)}: ${currency} has ${digits} decimals`);
  }

  const minor = Number(`${match[2]}${fraction.slice(0, digits).padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`invalid amount ${JSON.stringify(decimal)}: too large`);
  return match[1] === '-' ? -minor : minor;
}
