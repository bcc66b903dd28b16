import { describe, expect, it } from 'vitest';
import {
  currencyCodeSchema,
  formatMoney,
  minorToDecimalString,
  minorUnitDigits,
  parseDecimalAmount,
  sumByCurrency,
} from '../../../domain/money.js';

describe('currency code schema', () => {
  it('accepts ISO 4217 codes', () => {
    expect(currencyCodeSchema.parse('EUR')).toBe('EUR');
    expect(currencyCodeSchema.parse('JPY')).toBe('JPY');
  });

  it('rejects unknown codes naming them', () => {
    const result = currencyCodeSchema.safeParse('EUX');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"EUX"');
  });

  it('rejects lowercase codes', () => {
    expect(currencyCodeSchema.safeParse('eur').success).toBe(false);
  });
});

describe('minorUnitDigits', () => {
  it('reads minor units from Intl', () => {
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('rejects an unknown currency', () => {
    expect(() => minorUnitDigits('XYZ')).toThrow(/"XYZ"/);
  });
});

describe('parseDecimalAmount', () => {
  it('parses French grouping and comma', () => {
    expect(parseDecimalAmount('1 234,56', 'EUR', 'fr')).toBe(123456);
    expect(parseDecimalAmount('1\u202f234,56', 'EUR', 'fr')).toBe(123456);
    expect(parseDecimalAmount('1\u00a0234\u00a0567,8', 'EUR', 'fr')).toBe(123456780);
    expect(parseDecimalAmount('1.234,56', 'EUR', 'fr')).toBe(123456);
  });

  it('parses US grouping and point', () => {
    expect(parseDecimalAmount('1,234.56', 'EUR', 'us')).toBe(123456);
    expect(parseDecimalAmount('1,234,567', 'USD', 'us')).toBe(123456700);
  });

  it('avoids float rounding errors', () => {
    // 0.29 * 100 is 28.999999999999996 in binary floating point.
    expect(parseDecimalAmount('0,29', 'EUR', 'fr')).toBe(29);
    expect(parseDecimalAmount('1.15', 'EUR', 'us')).toBe(115);
    expect(parseDecimalAmount('90071992547409.91', 'EUR', 'us')).toBe(9007199254740991);
  });

  it('infers the style in auto mode', () => {
    expect(parseDecimalAmount('1 234,56', 'EUR', 'auto')).toBe(123456);
    expect(parseDecimalAmount('1,234.56', 'EUR', 'auto')).toBe(123456);
    expect(parseDecimalAmount('1.234,56', 'EUR', 'auto')).toBe(123456);
    expect(parseDecimalAmount('12,5', 'EUR', 'auto')).toBe(1250);
    expect(parseDecimalAmount('12.5', 'EUR', 'auto')).toBe(1250);
    expect(parseDecimalAmount('1,234', 'EUR', 'auto')).toBe(123400);
    expect(parseDecimalAmount('1.234.567', 'EUR', 'auto')).toBe(123456700);
    expect(parseDecimalAmount('42', 'JPY', 'auto')).toBe(42);
  });

  it('rejects ambiguous three-decimal currencies', () => {
    expect(() => parseDecimalAmount('1,234', 'KWD', 'auto')).toThrow(/ambiguous amount "1,234"/);
    expect(parseDecimalAmount('1,234', 'KWD', 'fr')).toBe(1234);
    expect(parseDecimalAmount('1,234', 'KWD', 'us')).toBe(1234000);
  });

  it('rejects excess decimals naming value', () => {
    expect(() => parseDecimalAmount('12,345', 'EUR', 'fr')).toThrow(/"12,345".*EUR allows 2 decimals/);
    expect(() => parseDecimalAmount('10.5', 'JPY', 'us')).toThrow(/"10.5".*JPY allows 0 decimals/);
    expect(parseDecimalAmount('1.234', 'KWD', 'us')).toBe(1234);
  });

  it('reads signs', () => {
    expect(parseDecimalAmount('-12,50', 'EUR', 'fr')).toBe(-1250);
    expect(parseDecimalAmount('\u221212,50', 'EUR', 'fr')).toBe(-1250);
    expect(parseDecimalAmount('+3', 'EUR', 'fr')).toBe(300);
  });

  it('rejects malformed text', () => {
    for (const text of ['', 'abc', '12 €', '1 23,45', '12,', '1,2,3.4.5', '12,34,56']) {
      expect(() => parseDecimalAmount(text, 'EUR', 'fr'), text).toThrow(RangeError);
    }
    expect(() => parseDecimalAmount('1,23,456.00', 'USD', 'us')).toThrow(/groups of three/);
  });
});

describe('formatMoney', () => {
  it('formats per locale and currency', () => {
    expect(formatMoney(123456, 'EUR', 'fr-FR')).toBe('1\u202f234,56\u00a0€');
    expect(formatMoney(123456, 'EUR', 'en-US')).toBe('€1,234.56');
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(formatMoney(1234567, 'KWD', 'en-US')).toBe('KWD\u00a01,234.567');
  });

  it('formats beyond float precision exactly', () => {
    expect(formatMoney(9007199254740991, 'EUR', 'en-US')).toBe('€90,071,992,547,409.91');
  });

  it('formats negative amounts', () => {
    expect(formatMoney(-5, 'EUR', 'en-US')).toBe('-€0.05');
    expect(minorToDecimalString(-5, 'EUR')).toBe('-0.05');
  });
});

describe('sumByCurrency', () => {
  it('sums each currency separately', () => {
    expect(
      sumByCurrency([
        { amountMinor: 100000, currency: 'EUR' },
        { amountMinor: 2500, currency: 'USD' },
        { amountMinor: 50000, currency: 'EUR' },
        { amountMinor: -1000, currency: 'EUR' },
      ]),
    ).toEqual({ EUR: 149000, USD: 2500 });
  });

  it('returns no key for no amounts', () => {
    expect(sumByCurrency([])).toEqual({});
  });

  it('rejects an unknown currency', () => {
    expect(() => sumByCurrency([{ amountMinor: 1, currency: 'ABC' }])).toThrow(/"ABC"/);
  });
});
