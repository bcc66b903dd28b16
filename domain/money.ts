import { z } from 'zod';

// Money is an integer of minor units (cents for EUR, yen for JPY, fils for KWD) plus an
// ISO 4217 currency code. Decimal text is parsed by string arithmetic, never through a
// float, so "0.29" is exactly 29 cents.

// The currency list of the running ICU, read once.
const SUPPORTED_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const currencyCodeSchema = z.string().superRefine((code, ctx) => {
  if (!/^[A-Z]{3}$/.test(code) || !SUPPORTED_CURRENCIES.has(code)) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid currency "${code}": expected an ISO 4217 code in capitals, for example EUR`,
    });
  }
});
export type CurrencyCode = z.infer<typeof currencyCodeSchema>;

export const moneySchema = z.object({
  /** Amount in minor units of `currency`; negative for a credit. */
  amountMinor: z.number().int().refine(Number.isSafeInteger, 'amountMinor is larger than 2^53 - 1'),
  currency: currencyCodeSchema,
});
export type Money = z.infer<typeof moneySchema>;

function assertCurrency(currency: string): void {
  const result = currencyCodeSchema.safeParse(currency);
  if (!result.success) throw new RangeError(result.error.issues[0]?.message ?? `invalid currency "${currency}"`);
}

const minorDigitsCache = new Map<string, number>();

/** Digits after the decimal point in the currency's minor unit, from Intl: JPY 0, EUR 2, KWD 3. */
export function minorUnitDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    assertCurrency(currency);
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

/** Converts minor units to exact decimal text: "-1234.56" for -123456 EUR. */
export function minorToDecimalString(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`invalid amount ${amountMinor}: expected an integer of minor units`);
  }

  const digits = minorUnitDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  if (digits === 0) return sign + magnitude;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

/** Formats an amount for display in a locale, for example "1 234,56 €" in fr-FR. */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });

  // Node 20's Intl formats a decimal string exactly (Intl.NumberFormat v3); the cast
  // is needed only because TypeScript's ES2023 lib types accept numbers alone.
  return format.format(minorToDecimalString(amountMinor, currency) as unknown as number);
}

export type DecimalStyle = 'fr' | 'us' | 'auto';

/** Space characters used as thousands separators: space, no-break space, narrow no-break space. */
const SPACES = [' ', '\u00a0', '\u202f'];

interface Separators {
  decimal: string;
  groups: string[];
}

function separatorsFor(text: string, style: DecimalStyle, currency: string): Separators {
  if (style === 'fr') return { decimal: ',', groups: [...SPACES, '.'] };
  if (style === 'us') return { decimal: '.', groups: [',', ...SPACES] };

  // auto: when both ',' and '.' appear, the last one separates decimals. A mark that
  // appears twice or more separates thousands. A single mark followed by exactly three
  // digits is ambiguous unless the currency has fewer than three decimals.
  const commas = text.split(',').length - 1;
  const dots = text.split('.').length - 1;
  const asFrench: Separators = { decimal: ',', groups: [...SPACES, '.'] };
  const asUs: Separators = { decimal: '.', groups: [',', ...SPACES] };

  if (commas > 0 && dots > 0) return text.lastIndexOf(',') > text.lastIndexOf('.') ? asFrench : asUs;
  if (commas === 0 && dots === 0) return asFrench;
  if (commas > 1) return asUs;
  if (dots > 1) return asFrench;

  const mark = commas === 1 ? ',' : '.';
  const digitsAfter = text.length - text.lastIndexOf(mark) - 1;
  if (digitsAfter !== 3) return mark === ',' ? asFrench : asUs;

  if (minorUnitDigits(currency) >= 3) {
    throw new RangeError(
      `ambiguous amount "${text}": "${mark}" may separate thousands or decimals in ${currency}, so pass the style 'fr' or 'us'`,
    );
  }
  return mark === ',' ? asUs : asFrench;
}

/**
 * Parses a decimal amount into integer minor units of `currency`, exactly.
 * 'fr' reads "1 234,56" (thousands separated by spaces or dots), 'us' reads "1,234.56",
 * and 'auto' infers the style from the separators. A leading "-" or "−" gives a negative
 * amount. Throws a RangeError naming the value when the text is not a plain amount or
 * has more decimals than the currency allows.
 */
export function parseDecimalAmount(text: string, currency: string, style: DecimalStyle): number {
  const digits = minorUnitDigits(currency);
  const trimmed = text.trim();
  const signMatch = /^([-+\u2212]?)\s*(.*)$/u.exec(trimmed);
  const negative = signMatch?.[1] === '-' || signMatch?.[1] === '\u2212';
  const body = signMatch?.[2] ?? '';

  if (!/^[\d., \u00a0\u202f]+$/.test(body) || !/\d/.test(body)) {
    throw new RangeError(`invalid amount "${text}": expected digits with optional separators, for example 1 234,56`);
  }

  const separators = separatorsFor(body, style, currency);
  const decimalIndex = body.lastIndexOf(separators.decimal);
  const integerText = decimalIndex === -1 ? body : body.slice(0, decimalIndex);
  const fractionText = decimalIndex === -1 ? '' : body.slice(decimalIndex + 1);

  if (!/^\d*$/.test(fractionText) || (decimalIndex !== -1 && fractionText === '')) {
    throw new RangeError(`invalid amount "${text}": the decimal separator "${separators.decimal}" must be followed by digits only`);
  }
  if (fractionText.length > digits) {
    throw new RangeError(
      `invalid amount "${text}": ${currency} allows ${digits} decimal${digits === 1 ? '' : 's'}, the text has ${fractionText.length}`,
    );
  }

  const integerDigits = stripGroupSeparators(integerText, separators.groups, text);
  const minorText = integerDigits + fractionText.padEnd(digits, '0');
  const magnitude = Number(BigInt(minorText === '' ? '0' : minorText));
  if (!Number.isSafeInteger(magnitude)) {
    throw new RangeError(`invalid amount "${text}": larger than the largest exact integer of minor units`);
  }
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/** Removes thousands separators after checking that they split the digits in groups of three. */
function stripGroupSeparators(integerText: string, groupSeparators: string[], original: string): string {
  if (/^\d+$/.test(integerText)) return integerText;

  const separatorClass = groupSeparators.map((separator) => `\\u${separator.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const grouped = new RegExp(`^\\d{1,3}([${separatorClass}]\\d{3})*$`, 'u');
  if (integerText === '' || !grouped.test(integerText)) {
    throw new RangeError(
      `invalid amount "${original}": thousands separators must split the integer part into groups of three digits`,
    );
  }
  return integerText.replace(/\D/g, '');
}

/** Sums amounts per currency, for example { EUR: 150000, USD: 2500 }. Never mixes currencies. */
export function sumByCurrency(amounts: readonly Money[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const { amountMinor, currency } of amounts) {
    assertCurrency(currency);
    const total = (totals[currency] ?? 0) + amountMinor;
    if (!Number.isSafeInteger(total)) {
      throw new RangeError(`total in ${currency} exceeds the largest exact integer of minor units`);
    }
    totals[currency] = total;
  }
  return totals;
}
