import { describe, expect, it } from 'vitest';

import { detectDateOrder, detectDecimalStyle, detectDelimiter } from '../../../imports/csv-conventions.js';
import { addDays, endOfMonth, parseCalendarDate } from '../../../imports/dates.js';
import { decimalToMinor, normalizeDecimal } from '../../../imports/money.js';
import { dueDateCapWarning, dueDateFor } from '../../../imports/payment-terms.js';

describe('amount parsing', () => {
  it.each([
    ['1 234,56', 'fr', '1234.56'],
    ['1\u202f234,56', 'fr', '1234.56'],
    ['1.234,56', 'fr', '1234.56'],
    ['-12,5', 'fr', '-12.5'],
    ['1,234.56', 'us', '1234.56'],
    ['(12.00)', 'us', '-12.00'],
    ['+7', 'us', '7'],
  ] as const)('normalizes %s in %s style', (text, style, expected) => {
    expect(normalizeDecimal(text, style)).toBe(expected);
  });

  it.each([['12a'], ['1,2,3'], [''], ['--5']])('rejects %j as non-numeric', (text) => {
    expect(normalizeDecimal(text, 'fr')).toBeUndefined();
  });

  it('converts to minor units', () => {
    expect(decimalToMinor('1234.56', 'EUR')).toBe(123456);
    expect(decimalToMinor('0.1', 'EUR')).toBe(10);
    expect(decimalToMinor('4675', 'DKK')).toBe(467500);
    expect(decimalToMinor('1500', 'JPY')).toBe(1500);
    expect(decimalToMinor('10.500', 'EUR')).toBe(1050);
  });

  it('rejects extra significant decimals', () => {
    expect(() => decimalToMinor('10.005', 'EUR')).toThrow('invalid amount "10.005": EUR has 2 decimals');
    expect(() => decimalToMinor('10.5', 'JPY')).toThrow('JPY has 0 decimals');
  });
});

describe('calendar dates', () => {
  it.each([
    ['2025-12-31', 'day_first', '2025-12-31'],
    ['20251231', 'day_first', '2025-12-31'],
    ['31/12/2025', 'day_first', '2025-12-31'],
    ['12/31/2025', 'month_first', '2025-12-31'],
    ['1/2/2013', 'month_first', '2013-01-02'],
    ['29/02/2024', 'day_first', '2024-02-29'],
  ] as const)('parses %s %s', (text, order, expected) => {
    expect(parseCalendarDate(text, order)).toBe(expected);
  });

  it.each([['2025-02-30'], ['29/02/2025'], ['20251301'], ['31/12/25'], ['tomorrow']])('rejects %s', (text) => {
    expect(parseCalendarDate(text, 'day_first')).toBeUndefined();
  });

  it('adds days across months', () => {
    expect(addDays('2025-12-15', 30)).toBe('2026-01-14');
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
  });
});

describe('CSV conventions', () => {
  it('detects each delimiter', () => {
    expect(detectDelimiter('a;b;"c;d"')).toBe(';');
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc,d')).toBe('\t');
  });

  it('detects decimal and date styles', () => {
    expect(detectDecimalStyle(['1234', '1 234,56'])).toBe('fr');
    expect(detectDecimalStyle(['1,234.56', '7.5'])).toBe('us');
    expect(detectDecimalStyle(['1234'])).toBeUndefined();
    expect(detectDateOrder(['01/02/2025', '31/01/2025'])).toBe('day_first');
    expect(detectDateOrder(['01/02/2025', '01/31/2025'])).toBe('month_first');
    expect(detectDateOrder(['01/02/2025', '2025-01-31'])).toBeUndefined();
  });
});

describe('payment terms', () => {
  it('computes end-of-month due dates', () => {
    expect(dueDateFor('2026-01-20', { days: 45, endOfMonth: true })).toBe('2026-03-31');
    expect(dueDateFor('2026-01-20', { days: 60 })).toBe('2026-03-21');
  });

  it('warns past the legal cap', () => {
    expect(dueDateCapWarning('2026-01-20', '2026-03-31')).toBeUndefined();
    expect(dueDateCapWarning('2026-01-20', '2026-04-01')).toMatch(/later than 2026-03-31/);
  });
});
