import { formatMoney } from '../../../emails/format.js';
import { escapeHtml } from '../../layout.js';
import type { AccountInvoice } from '../account.js';
import type { FormProtection } from '../forms.js';
import { portalMessages, type DisputeReasonCode, type PortalLanguage } from '../messages.js';
import { describedBy, errorSummary, fieldError, hiddenProtection } from './layout.js';

// The dispute and "already paid" forms. Both send files, so they post
// multipart/form-data; the server checks every file's type by its first bytes.

export const DISPUTE_REASONS: readonly DisputeReasonCode[] = ['quantity', 'price', 'quality', 'not_delivered', 'already_paid', 'other'];

export interface ReportFormValues {
  invoiceId: string;
  reason: string;
  comment: string;
  paidOn: string;
  amount: string;
}

export const EMPTY_REPORT_VALUES: ReportFormValues = { invoiceId: '', reason: '', comment: '', paidOn: '', amount: '' };

interface ReportFormOptions {
  invoices: AccountInvoice[];
  action: string;
  protection: FormProtection;
  values: ReportFormValues;
  errors: Record<string, string>;
  language: PortalLanguage;
}

function invoiceSelect(options: ReportFormOptions, label: string): string {
  const { invoices, values, errors, language } = options;
  const choices = invoices
    .map((invoice) => {
      const selected = invoice.id === values.invoiceId ? ' selected' : '';
      const balance = formatMoney(invoice.balance.dueMinor, invoice.currency, language);
      return `<option value="${escapeHtml(invoice.id)}"${selected}>${escapeHtml(`${invoice.number} · ${balance}`)}</option>`;
    })
    .join('');
  return '<div class="field">'
    + `<label for="invoice">${escapeHtml(label)}</label>`
    + `<select id="invoice" name="invoice" required${describedBy('invoice', errors, false)}>${choices}</select>`
    + fieldError('invoice', errors)
    + '</div>';
}

function fileInput(label: string, hint: string, errors: Record<string, string>): string {
  return '<div class="field">'
    + `<label for="files">${escapeHtml(label)}</label>`
    + `<input type="file" id="files" name="files" multiple accept="application/pdf,image/png,image/jpeg"${describedBy('files', errors, true)}>`
    + `<p class="hint" id="files-hint">${escapeHtml(hint)}</p>`
    + fieldError('files', errors)
    + '</div>';
}

function formStart(options: ReportFormOptions): string {
  return errorSummary(options.language, options.errors)
    + `<form method="post" action="${escapeHtml(options.action)}" enctype="multipart/form-data" class="card" novalidate>`
    + hiddenProtection(options.protection.formId, options.protection.csrfToken);
}

export function disputeBody(options: ReportFormOptions): string {
  const messages = portalMessages(options.language);
  const labels = messages.dispute;
  const { values, errors } = options;
  if (options.invoices.length === 0) return `<p>${escapeHtml(labels.nothingToDispute)}</p>`;

  const reasons = DISPUTE_REASONS.map((reason) => {
    const checked = reason === values.reason ? ' checked' : '';
    return `<label class="check" for="reason-${reason}"><input type="radio" id="reason-${reason}" name="reason" value="${reason}"${checked} required>${escapeHtml(messages.disputeReasons[reason])}</label>`;
  }).join('');

  return `<p>${escapeHtml(labels.intro)}</p>`
    + formStart(options)
    + invoiceSelect(options, labels.invoice)
    + `<fieldset${errors.reason ? ' aria-describedby="reason-error"' : ''}><legend id="reason">${escapeHtml(labels.reason)}</legend>${reasons}${fieldError('reason', errors)}</fieldset>`
    + '<div class="field">'
    + `<label for="comment">${escapeHtml(labels.comment)}</label>`
    + `<textarea id="comment" name="comment" maxlength="2000"${describedBy('comment', errors, true)}>${escapeHtml(values.comment)}</textarea>`
    + `<p class="hint" id="comment-hint">${escapeHtml(labels.commentHint)}</p>`
    + fieldError('comment', errors)
    + '</div>'
    + fileInput(labels.attachments, labels.attachmentsHint, errors)
    + `<button type="submit">${escapeHtml(labels.submit)}</button></form>`;
}

export function alreadyPaidBody(options: ReportFormOptions & { today: string }): string {
  const labels = portalMessages(options.language).alreadyPaid;
  const { values, errors } = options;
  if (options.invoices.length === 0) return `<p>${escapeHtml(portalMessages(options.language).pay.nothingToPay)}</p>`;
  const currency = options.invoices.find((invoice) => invoice.id === values.invoiceId)?.currency ?? options.invoices[0]?.currency ?? 'EUR';

  return `<p>${escapeHtml(labels.intro)}</p>`
    + formStart(options)
    + invoiceSelect(options, labels.invoice)
    + '<div class="field">'
    + `<label for="paidOn">${escapeHtml(labels.paidOn)}</label>`
    + `<input type="date" id="paidOn" name="paidOn" required max="${options.today}" value="${escapeHtml(values.paidOn)}"${describedBy('paidOn', errors, false)}>`
    + fieldError('paidOn', errors)
    + '</div>'
    + '<div class="field">'
    + `<label for="amount">${escapeHtml(labels.amount)}</label>`
    + `<input type="text" inputmode="decimal" autocomplete="off" id="amount" name="amount" required value="${escapeHtml(values.amount)}"${describedBy('amount', errors, true)}>`
    + `<p class="hint" id="amount-hint">${escapeHtml(labels.amountHint(currency))}</p>`
    + fieldError('amount', errors)
    + '</div>'
    + fileInput(labels.proof, labels.proofHint, errors)
    + `<button type="submit">${escapeHtml(labels.submit)}</button></form>`;
}
