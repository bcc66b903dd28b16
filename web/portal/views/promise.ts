import { formatDate, formatMoney } from '../../../emails/format.js';
import { minorToDecimalString } from '../../../domain/money.js';
import { escapeHtml } from '../../layout.js';
import type { AccountInvoice } from '../account.js';
import type { FormProtection } from '../forms.js';
import { portalMessages, type PortalLanguage } from '../messages.js';
import { describedBy, errorSummary, fieldError, hiddenProtection } from './layout.js';

// The promise-to-pay form: one date for every chosen invoice, and an amount per
// invoice that defaults to its balance.

export interface PromiseFormValues {
  date: string;
  /** Invoice ids ticked; every listed invoice is ticked on first display. */
  selected: string[] | null;
  amounts: Record<string, string>;
}

/** Shows an amount of minor units as the decimal text a customer would type in the language. */
export function amountInputText(minor: number, currency: string, language: PortalLanguage): string {
  const text = minorToDecimalString(minor, currency);
  return language === 'fr' ? text.replace('.', ',') : text;
}

export function promiseBody(options: {
  invoices: AccountInvoice[];
  earliestDate: string;
  latestDate: string;
  action: string;
  protection: FormProtection;
  values: PromiseFormValues;
  errors: Record<string, string>;
  language: PortalLanguage;
}): string {
  const { invoices, language, errors, values } = options;
  const labels = portalMessages(language).promise;
  if (invoices.length === 0) return `<p>${escapeHtml(labels.nothingToPromise)}</p>`;

  const latest = formatDate(options.latestDate, language);
  const lines = invoices.map((invoice, index) => {
    const checked = values.selected === null || values.selected.includes(invoice.id) ? ' checked' : '';
    const amountId = `amount-${index}`;
    const amount = values.amounts[invoice.id] ?? amountInputText(invoice.balance.dueMinor, invoice.currency, language);
    const balance = formatMoney(invoice.balance.dueMinor, invoice.currency, language);
    return '<div class="field">'
      + `<label class="check" for="include-${index}"><input type="checkbox" id="include-${index}" name="invoice" value="${escapeHtml(invoice.id)}"${checked}>`
      + `${escapeHtml(labels.include(invoice.number))}</label>`
      + `<label for="${amountId}">${escapeHtml(labels.amountFor(invoice.number, balance))}</label>`
      + `<input type="text" inputmode="decimal" autocomplete="off" id="${amountId}" name="amount.${escapeHtml(invoice.id)}" value="${escapeHtml(amount)}"${describedBy(amountId, errors, false)}>`
      + fieldError(amountId, errors)
      + '</div>';
  });

  return errorSummary(language, errors)
    + `<p>${escapeHtml(labels.intro(latest))}</p>`
    + `<form method="post" action="${escapeHtml(options.action)}" class="card" novalidate>`
    + hiddenProtection(options.protection.formId, options.protection.csrfToken)
    + '<div class="field">'
    + `<label for="date">${escapeHtml(labels.date)}</label>`
    + `<input type="date" id="date" name="date" required min="${options.earliestDate}" max="${options.latestDate}" value="${escapeHtml(values.date)}"${describedBy('date', errors, true)}>`
    + `<p class="hint" id="date-hint">${escapeHtml(labels.dateHint(latest))}</p>`
    + fieldError('date', errors)
    + '</div>'
    + `<fieldset${errors.invoices ? ' aria-describedby="invoices-error"' : ''}><legend id="invoices">${escapeHtml(labels.invoicesLegend)}</legend>${lines.join('')}${fieldError('invoices', errors)}</fieldset>`
    + `<button type="submit">${escapeHtml(labels.submit)}</button>`
    + '</form>';
}
