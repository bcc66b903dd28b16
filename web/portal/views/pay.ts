import { formatMoney } from '../../../emails/format.js';
import { minorToDecimalString } from '../../../domain/money.js';
import { escapeHtml } from '../../layout.js';
import type { AccountInvoice } from '../account.js';
import { portalMessages, type PortalLanguage } from '../messages.js';

// The pay page: bank details for a transfer, the reference to quote (the invoice
// number), and a payment link per invoice when PAYMENT_LINK_URL_TEMPLATE is set.

export interface PaymentDetails {
  beneficiary: string;
  iban?: string;
  bic?: string;
  /** URL template with {invoiceNumber}, {amount}, {amountMinor} and {currency} placeholders. */
  linkTemplate?: string;
}

/** Fills a payment link template; every value is URL-encoded. */
export function paymentLinkFor(template: string, invoice: { number: string; currency: string; dueMinor: number }): string {
  const values: Record<string, string> = {
    invoiceNumber: invoice.number,
    amount: minorToDecimalString(invoice.dueMinor, invoice.currency),
    amountMinor: String(invoice.dueMinor),
    currency: invoice.currency,
  };
  return template.replace(/\{(invoiceNumber|amount|amountMinor|currency)\}/g, (_match, name: string) => encodeURIComponent(values[name] ?? ''));
}

function groupIban(iban: string): string {
  return iban.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}

/** Renders the body of the pay page. */
export function payBody(open: AccountInvoice[], details: PaymentDetails, language: PortalLanguage): string {
  const messages = portalMessages(language);
  const labels = messages.pay;
  const table = messages.statement;
  if (open.length === 0) return `<p>${escapeHtml(labels.nothingToPay)}</p>`;

  const bank = details.iban
    ? `<dl class="kv"><dt>${escapeHtml(labels.beneficiary)}</dt><dd>${escapeHtml(details.beneficiary)}</dd>`
      + `<dt>${escapeHtml(labels.iban)}</dt><dd>${escapeHtml(groupIban(details.iban))}</dd>`
      + (details.bic ? `<dt>${escapeHtml(labels.bic)}</dt><dd>${escapeHtml(details.bic)}</dd>` : '')
      + '</dl>'
    : `<p>${escapeHtml(labels.noBankDetails)}</p>`;

  const rows = open.map((invoice) => {
    const link = details.linkTemplate
      ? `<a class="button" href="${escapeHtml(paymentLinkFor(details.linkTemplate, { number: invoice.number, currency: invoice.currency, dueMinor: invoice.balance.dueMinor }))}" `
        + `aria-label="${escapeHtml(labels.payOnlineLabel(invoice.number))}" rel="noopener noreferrer">${escapeHtml(labels.payOnline)}</a>`
      : '';
    return `<tr><td data-label="${escapeHtml(labels.reference)}"><strong>${escapeHtml(invoice.number)}</strong></td>`
      + `<td data-label="${escapeHtml(table.balance)}" class="num">${escapeHtml(formatMoney(invoice.balance.dueMinor, invoice.currency, language))}</td>`
      + (details.linkTemplate ? `<td data-label="${escapeHtml(labels.payOnline)}">${link}</td>` : '')
      + '</tr>';
  });

  return `<p>${escapeHtml(labels.intro)}</p>`
    + `<section aria-labelledby="transfer-heading"><h2 id="transfer-heading">${escapeHtml(labels.transferHeading)}</h2>${bank}</section>`
    + `<section aria-labelledby="references-heading"><h2 id="references-heading">${escapeHtml(labels.reference)}</h2>`
    + `<p class="muted">${escapeHtml(labels.referenceHint)}</p>`
    + `<table class="cards"><thead><tr><th scope="col">${escapeHtml(labels.reference)}</th><th scope="col" class="num">${escapeHtml(table.balance)}</th>`
    + (details.linkTemplate ? `<th scope="col">${escapeHtml(labels.payOnline)}</th>` : '')
    + `</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
