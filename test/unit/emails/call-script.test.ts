import { describe, expect, it } from 'vitest';

import { callOutcomeSchema, renderCallScript } from '../../../emails/call-script.js';
import { CALL_OUTCOMES, callOutcomeLabel } from '../../../i18n/calls.js';
import { expectedAmounts, plainSpaces, threeEuroInvoices } from './fixtures.js';

const scriptProps = (language: 'fr' | 'en', isBusiness = true) => ({
  language,
  collectorName: 'Paul Lefèvre',
  contactName: 'Marie Dupont',
  customer: { name: 'Boulangerie Martin SARL', isBusiness },
  creditor: { name: 'Acme Industrie SAS' },
  invoices: threeEuroInvoices,
  asOfDate: '2026-11-15',
});

describe('renderCallScript', () => {
  for (const language of ['fr', 'en'] as const) {
    it(`lists invoices and outcomes (${language})`, () => {
      const script = plainSpaces(renderCallScript(scriptProps(language)));
      const amounts = expectedAmounts[language];

      expect(script).toContain('Paul Lefèvre');
      expect(script).toContain('Marie Dupont');
      threeEuroInvoices.forEach((invoice, index) => {
        const line = script.split('\n').find((candidate) => candidate.includes(invoice.number));
        expect(line).toContain(amounts.balances[index]);
      });
      expect(script).toContain(amounts.total);
      for (const outcome of CALL_OUTCOMES) {
        expect(script).toContain(`${outcome}: ${callOutcomeLabel(outcome, language)}`);
      }
    });
  }

  it('asks for a payment date', () => {
    expect(renderCallScript(scriptProps('fr'))).toContain('à quelle date');
    expect(renderCallScript(scriptProps('en'))).toContain('on what date');
  });

  it('mentions indemnity for business only', () => {
    expect(renderCallScript(scriptProps('fr', true))).toContain('D441-5');
    expect(renderCallScript(scriptProps('fr', false))).not.toContain('D441-5');
  });

  it('lists currencies without adding them', () => {
    const invoices = [
      threeEuroInvoices[0]!,
      { number: 'US-1', issueDate: '2026-09-01', dueDate: '2026-10-01', currency: 'USD', originalMinor: 5_000, paidMinor: 0, dueMinor: 5_000 },
    ];

    const script = renderCallScript({ ...scriptProps('en'), invoices });

    expect(script).toContain('for a total of €100.00 and US$50.00');
  });

  it('rejects an empty invoice list', () => {
    expect(() => renderCallScript({ ...scriptProps('fr'), invoices: [] })).toThrow(/no invoice to show/);
  });
});

describe('call outcome codes', () => {
  it('labels every code in both languages', () => {
    for (const outcome of CALL_OUTCOMES) {
      expect(callOutcomeLabel(outcome, 'fr')).not.toBe('');
      expect(callOutcomeLabel(outcome, 'en')).not.toBe('');
      expect(callOutcomeLabel(outcome, 'fr')).not.toBe(callOutcomeLabel(outcome, 'en'));
    }
    expect(callOutcomeLabel('no_answer', 'fr')).toBe('Pas de réponse');
    expect(callOutcomeLabel('no_answer', 'en')).toBe('No answer');
  });

  it('parses only known codes', () => {
    expect(callOutcomeSchema.parse('call_back')).toBe('call_back');
    expect(callOutcomeSchema.safeParse('voicemail').success).toBe(false);
  });
});
