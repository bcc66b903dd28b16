import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findEmailRecipient } from '../../activities/recipients.js';
import { addDays, calendarDateSchema } from '../../domain/dates.js';
import { formatMoney } from '../../emails/format.js';
import { renderPromiseConfirmationEmail } from '../../emails/promise-confirmation.js';
import { readAccount, type AccountInvoice } from './account.js';
import { applyPromise, type InvoiceAnswerResult } from './answers.js';
import { pathOf, sendPage, type PortalContext, type PortalDeps } from './context.js';
import { createForm, ensureCsrfCookie, type FormProtection } from './forms.js';
import { sendPortalEmail } from './mail.js';
import { portalMessages } from './messages.js';
import { parseAmount, sendForbidden, submitOnce } from './submission.js';
import type { FormOutcome } from './views/notices.js';
import { promiseBody, type PromiseFormValues } from './views/promise.js';

// The promise-to-pay page: one date and an amount per chosen invoice. Each promise goes
// to the invoice's case as a promiseToPay update, and one confirmation e-mail follows.

const promiseFieldsSchema = z.looseObject({
  form: z.string().min(1).max(100),
  csrf: z.string().min(1).max(200),
  date: z.string().max(20).default(''),
  invoice: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Invoices that can take a promise: open, with a running case. */
function promisable(invoices: AccountInvoice[]): AccountInvoice[] {
  return invoices.filter((invoice) => invoice.caseStatus !== 'none' && !invoice.caseEnded);
}

function dateWindow(invoices: AccountInvoice[], asOfDate: string) {
  const horizon = Math.min(...invoices.map((invoice) => invoice.promiseHorizonDays), 365);
  return { earliest: addDays(asOfDate, 1), latest: addDays(asOfDate, horizon) };
}

async function render(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PortalDeps,
  context: PortalContext,
  state: { status: number; values: PromiseFormValues; errors: Record<string, string>; protection?: FormProtection },
) {
  const account = await readAccount(deps.sql, context.customer, new Date());
  const invoices = promisable(account.open);
  const window = dateWindow(invoices, account.asOfDate);
  const cookie = ensureCsrfCookie(request, reply, deps.secureCookies);
  const protection = state.protection ?? (await createForm(deps.sql, context.customer.id, 'promise', cookie, deps.secrets));
  const body = promiseBody({
    invoices,
    earliestDate: window.earliest,
    latestDate: window.latest,
    action: `${context.basePath}/promise`,
    protection,
    values: state.values,
    errors: state.errors,
    language: context.language,
  });
  const title = portalMessages(context.language).promise.title;
  return sendPage(reply, deps, state.status, { language: context.language, title, basePath: context.basePath, currentPath: pathOf(request), section: 'promise' }, body);
}

export async function showPromiseForm(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext) {
  return render(request, reply, deps, context, { status: 200, values: { date: '', selected: null, amounts: {} }, errors: {} });
}

async function sendConfirmation(deps: PortalDeps, context: PortalContext, formId: string, promisedDate: string, asOfDate: string, lines: { invoice: AccountInvoice; amountMinor: number }[]) {
  const recipient = await findEmailRecipient(deps.sql, context.customer.id, deps.env.COMPANY_LANGUAGE);
  if (!recipient || lines.length === 0) return false;

  // The confirmation states one amount, so each currency gets its own e-mail.
  const currencies = [...new Set(lines.map((line) => line.invoice.currency))];
  for (const currency of currencies) {
    const sameCurrency = lines.filter((line) => line.invoice.currency === currency);
    const rendered = await renderPromiseConfirmationEmail({
      language: recipient.language,
      recipientName: recipient.name ?? undefined,
      customer: { name: context.customer.name, isBusiness: context.customer.isBusiness },
      creditor: { name: deps.env.COMPANY_NAME, siren: deps.env.COMPANY_SIREN, address: deps.env.COMPANY_ADDRESS, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
      promise: { date: promisedDate, currency, amountMinor: sameCurrency.reduce((sum, line) => sum + line.amountMinor, 0) },
      invoices: sameCurrency.map(({ invoice }) => ({
        number: invoice.number,
        issueDate: invoice.issueDate,
        dueDate: invoice.dueDate,
        currency,
        originalMinor: invoice.balance.originalMinor,
        paidMinor: invoice.balance.originalMinor - invoice.balance.dueMinor,
        dueMinor: invoice.balance.dueMinor,
      })),
      asOfDate,
      portalUrl: `${deps.env.PORTAL_BASE_URL.replace(/\/+$/, '')}/${context.token}`,
    });
    await sendPortalEmail(
      { sql: deps.sql, mailer: deps.mailer, logger: deps.logger, senderName: deps.env.COMPANY_NAME, senderEmail: deps.env.COMPANY_SENDER_EMAIL },
      { customerId: context.customer.id, recipient, rendered, idempotencyKey: `portal/${formId}/promise-confirmation/${currency}`, kind: 'promise_confirmation' },
    );
  }
  return true;
}

export async function submitPromise(request: FastifyRequest, reply: FastifyReply, deps: PortalDeps, context: PortalContext) {
  const messages = portalMessages(context.language);
  const parsed = promiseFieldsSchema.safeParse(request.body ?? {});
  if (!parsed.success) return sendForbidden(request, reply, deps, context);
  const fields = parsed.data;

  const account = await readAccount(deps.sql, context.customer, new Date());
  const invoices = promisable(account.open);
  const window = dateWindow(invoices, account.asOfDate);
  const selectedIds = fields.invoice === undefined ? [] : [fields.invoice].flat();
  const amounts: Record<string, string> = {};
  for (const invoice of invoices) {
    const raw = (fields as Record<string, unknown>)[`amount.${invoice.id}`];
    if (typeof raw === 'string') amounts[invoice.id] = raw.slice(0, 40);
  }
  const values: PromiseFormValues = { date: fields.date, selected: selectedIds, amounts };

  const errors: Record<string, string> = {};
  if (!calendarDateSchema.safeParse(fields.date).success) errors.date = fields.date === '' ? messages.errors.required : messages.errors.invalidDate;
  else if (fields.date < window.earliest || fields.date > window.latest) errors.date = messages.errors.dateRange(window.earliest, window.latest);

  // An id that is not one of this customer's promisable invoices counts as not chosen.
  const chosen = invoices.filter((invoice) => selectedIds.includes(invoice.id));
  if (chosen.length === 0) errors.invoices = messages.errors.chooseInvoice;
  const lines: { invoice: AccountInvoice; amountMinor: number }[] = [];
  for (const invoice of chosen) {
    const field = `amount-${invoices.indexOf(invoice)}`;
    const amountMinor = parseAmount(amounts[invoice.id] ?? '', invoice.currency, context.language);
    if (amountMinor === null || amountMinor <= 0) errors[field] = messages.errors.invalidAmount;
    else if (amountMinor > invoice.balance.dueMinor) errors[field] = messages.errors.amountAboveBalance(formatMoney(invoice.balance.dueMinor, invoice.currency, context.language));
    else lines.push({ invoice, amountMinor });
  }

  return submitOnce(request, reply, deps, context, {
    purpose: 'promise',
    formId: fields.form,
    csrf: fields.csrf,
    errors,
    rerender: (state) => render(request, reply, deps, context, { ...state, values }),
    act: async (formId): Promise<FormOutcome> => {
      const results: InvoiceAnswerResult[] = await applyPromise(deps, formId, fields.date, lines);
      const applied = lines.filter((line) => results.some((result) => result.invoiceId === line.invoice.id && result.result === 'applied'));
      const confirmationSent = await sendConfirmation(deps, context, formId, fields.date, account.asOfDate, applied);
      request.log.info({ customerId: context.customer.id, invoices: results.map((result) => ({ invoiceId: result.invoiceId, result: result.result })) }, 'promise to pay received from the portal');
      return { kind: 'promise', promisedDate: fields.date, confirmationSent, invoices: results.map(({ number, result, status }) => ({ number, result, status })) };
    },
  });
}
